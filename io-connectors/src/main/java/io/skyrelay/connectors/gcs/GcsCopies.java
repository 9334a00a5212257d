package io.skyrelay.connectors.gcs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.CopyWriter;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.CopyRequest;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.WriteResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whole-object copies into one GCS bucket with the rewrite API, from any bucket on the same
 * endpoint, pinned to the source generation whose content type and metadata were read.
 */
final class GcsCopies implements ServerSideCopy {

  private final GcsObjectStore store;
  private final Storage storage;
  private final Retrier retrier;
  private final GcsErrors errors;

  GcsCopies(GcsObjectStore store, Storage storage, Retrier retrier, GcsErrors errors) {
    this.store = store;
    this.storage = storage;
    this.retrier = retrier;
    this.errors = errors;
  }

  /**
   * Another bucket reached through the same GCS endpoint: the rewrite API copies between any two
   * buckets the target's credentials can read and write.
   */
  @Override
  public boolean canCopyFrom(ObjectStore source) {
    return source instanceof GcsObjectStore other && other.host().equals(store.host());
  }

  @Override
  public long maxCopySize() {
    return GcsObjectStore.MAX_OBJECT_SIZE;
  }

  @Override
  public WriteResult copy(
      ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> extraMetadata) {
    if (!canCopyFrom(source)) {
      throw new UnsupportedOperationException(
          "server-side copy into "
              + store.uri(targetKey)
              + " needs a GCS source on the same endpoint ("
              + store.host()
              + "); copy through the client instead");
    }
    GcsObjectStore src = (GcsObjectStore) source;
    GcsObjectStore.checkKey(sourceKey);
    GcsObjectStore.checkKey(targetKey);
    String what = "copying " + src.uri(sourceKey) + " to " + store.uri(targetKey);
    ObjectInfo srcInfo = src.head(sourceKey);
    if (ifMatch != null && !ifMatch.equals(srcInfo.etag())) {
      throw new PreconditionFailedException(GcsObjectStore.changedSinceListed(sourceKey, ifMatch));
    }
    // Pin the copy to the generation whose content type and metadata were just read.
    long generation = GcsObjectStore.generationOf(sourceKey, srcInfo.etag());
    Map<String, String> metadata = new LinkedHashMap<>(srcInfo.metadata());
    if (extraMetadata != null) {
      metadata.putAll(extraMetadata);
    }
    BlobInfo.Builder target =
        BlobInfo.newBuilder(store.blobId(targetKey)).setStorageClass(store.storageClass());
    if (srcInfo.contentType() != null) {
      target.setContentType(srcInfo.contentType());
    }
    target.setMetadata(metadata.isEmpty() ? null : metadata);
    CopyRequest request =
        CopyRequest.newBuilder()
            .setSource(src.blobId(sourceKey))
            .setSourceOptions(BlobSourceOption.generationMatch(generation))
            .setTarget(target.build())
            .build();
    String onPrecondition =
        GcsObjectStore.changedSinceListed(
            sourceKey, ifMatch != null ? ifMatch : Long.toString(generation));
    Blob copied =
        retrier.call(
            what,
            () -> {
              CopyWriter writer = storage.copy(request);
              return writer.getResult();
            },
            e -> errors.translate(e, what, sourceKey, onPrecondition));
    return new WriteResult(
        targetKey,
        copied.getSize() == null ? srcInfo.size() : copied.getSize(),
        Long.toString(copied.getGeneration()));
  }
}
