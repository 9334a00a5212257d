package io.skyrelay.connectors.swift;

import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Server-side copies with {@code PUT} and {@code X-Copy-From} (the copy middleware): the source's
 * content type and user metadata are kept, the extra metadata is added, and {@code If-Match}
 * applies to the source. A large object's source is copied as one plain object of its content.
 */
final class SwiftCopies implements ServerSideCopy {

  private final SwiftObjectStore store;

  SwiftCopies(SwiftObjectStore store) {
    this.store = store;
  }

  @Override
  public boolean canCopyFrom(ObjectStore source) {
    return store.sameAccount(source);
  }

  @Override
  public long maxCopySize() {
    return SwiftLargeObjects.MAX_SEGMENT_SIZE;
  }

  @Override
  public WriteResult copy(
      ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> extraMetadata) {
    if (!canCopyFrom(source)) {
      throw new IllegalArgumentException(
          source.root() + " is not in the account of " + store.root());
    }
    String from = SwiftObjectStore.path(source.root().container(), sourceKey);
    String what = "copying " + source.root().withPrefix(sourceKey) + " to " + store.uri(targetKey);
    return store.retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              store.send(
                  what,
                  SwiftObjectStore.path(store.container(), targetKey),
                  b -> {
                    b.PUT(HttpRequest.BodyPublishers.noBody()).header("X-Copy-From", from);
                    if (ifMatch != null) {
                      b.header("If-Match", "\"" + ifMatch + "\"");
                    }
                    extraMetadata.forEach(
                        (k, v) -> b.header("X-Object-Meta-" + k, SwiftObjectStore.headerValue(v)));
                  },
                  true,
                  true);
          if (r.statusCode() == 412) {
            SwiftObjectStore.discard(r);
            throw new PreconditionFailedException(
                what + ": the source changed (its ETag is no longer " + ifMatch + ")");
          }
          if (r.statusCode() == 404) {
            SwiftObjectStore.discard(r);
            throw new ObjectNotFoundException(
                what + ": " + source.root().withPrefix(sourceKey) + " does not exist");
          }
          SwiftObjectStore.expectOk(r, what);
          SwiftObjectStore.discard(r);
          return new WriteResult(
              targetKey,
              WriteResult.UNKNOWN_SIZE,
              SwiftObjectStore.unquote(r.headers().firstValue("Etag").orElse(null)));
        });
  }
}
