package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.WriteResult;
import java.util.HashMap;
import java.util.Map;

/** CopyObject into one bucket from buckets on the same endpoint with the same credentials. */
final class S3Copies implements ServerSideCopy {

  static final long MAX_COPY = 5L << 30;

  private final S3ObjectStore store;
  private final S3Requests requests;

  S3Copies(S3ObjectStore store, S3Requests requests) {
    this.store = store;
    this.requests = requests;
  }

  @Override
  public boolean canCopyFrom(ObjectStore source) {
    return store.sameEndpoint(source);
  }

  @Override
  public long maxCopySize() {
    return MAX_COPY;
  }

  @Override
  public WriteResult copy(
      ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> extraMetadata) {
    S3ObjectStore.checkKey(targetKey);
    S3ObjectStore src = store.requireSameEndpoint(source);
    ObjectInfo srcInfo =
        extraMetadata == null || extraMetadata.isEmpty() ? null : src.head(sourceKey);
    // Extra metadata replaces the source's: its metadata and content type, with the extra added.
    Map<String, String> replace = null;
    if (srcInfo != null) {
      replace = new HashMap<>(srcInfo.metadata());
      replace.putAll(extraMetadata);
    }
    String contentType = srcInfo == null ? null : srcInfo.contentType();
    String etag = requests.copy(src, sourceKey, targetKey, ifMatch, replace, contentType);
    if (srcInfo != null && ifMatch != null && ifMatch.equals(srcInfo.etag())) {
      // The copy succeeded only if the source still had the ETag, so the size is the one read.
      return new WriteResult(targetKey, srcInfo.size(), etag);
    }
    // CopyObject does not report the size; a caller that needs it asks (one request fewer per
    // object when it does not).
    return new WriteResult(targetKey, WriteResult.UNKNOWN_SIZE, etag);
  }
}
