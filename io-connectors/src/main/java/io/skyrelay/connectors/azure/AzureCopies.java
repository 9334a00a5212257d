package io.skyrelay.connectors.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.RequestConditions;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.WriteResult;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whole-blob copies into one Azure container from another container, in this account or another,
 * through a read-only SAS for the source blob that lives one hour (see {@link
 * AzureBlobObjectStore#readUrl}): Copy Blob From URL up to its size limit, an asynchronous copy
 * waited for above it.
 */
final class AzureCopies implements ServerSideCopy {

  /** Copy Blob From URL copies sources up to this size in one synchronous request. */
  static final long MAX_SYNC_COPY = 256L << 20;

  private static final Duration COPY_POLL_INTERVAL = Duration.ofSeconds(1);

  private final AzureBlobObjectStore store;
  private final Retrier retrier;
  private final AzureErrors errors;

  AzureCopies(AzureBlobObjectStore store, Retrier retrier, AzureErrors errors) {
    this.store = store;
    this.retrier = retrier;
    this.errors = errors;
  }

  /**
   * Another Azure container whose blobs this account's service can fetch: one on the same endpoint,
   * or any two on public host names (not an emulator on a loopback or IP address).
   */
  @Override
  public boolean canCopyFrom(ObjectStore source) {
    if (!(source instanceof AzureBlobObjectStore other)) {
      return false;
    }
    if (sameAuthority(store.accountUrl(), other.accountUrl())) {
      return true;
    }
    return !AzureBlobObjectStoreProvider.isIpOrLoopback(store.accountUrl().getHost())
        && !AzureBlobObjectStoreProvider.isIpOrLoopback(other.accountUrl().getHost());
  }

  private static boolean sameAuthority(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort();
  }

  /**
   * Copy Blob From URL's limit: larger sources are still copied, with an asynchronous copy that
   * this call waits for, but a planner should prefer parallel part copies for them.
   */
  @Override
  public long maxCopySize() {
    return MAX_SYNC_COPY;
  }

  @Override
  public WriteResult copy(
      ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> extraMetadata) {
    AzureBlobObjectStore src = requireCopySource(source);
    BlockBlobClient target = store.blob(targetKey);
    String expected = ifMatch == null ? null : AzureBlobObjectStore.unquote(ifMatch);
    String what = "copying " + src.where(sourceKey) + " to";
    // Without an ETag from the caller, the copy is still made conditional on the version whose
    // metadata was read, so that bytes and metadata match; a change in between starts over.
    for (int attempt = 1; ; attempt++) {
      ObjectInfo info = src.head(sourceKey);
      String condition = expected != null ? expected : info.etag();
      if (!condition.equals(info.etag())) {
        throw AzureErrors.changed(src.where(sourceKey), info.etag(), expected);
      }
      Map<String, String> metadata = new LinkedHashMap<>(info.metadata());
      if (extraMetadata != null) {
        metadata.putAll(extraMetadata);
      }
      Map<String, String> azureMetadata = store.azureMetadata(metadata, targetKey);
      String url = src.readUrl(sourceKey);
      try {
        if (info.size() <= store.syncCopyMax()) {
          String etag =
              retrier.call(
                  what + " " + targetKey,
                  () ->
                      target
                          .copyFromUrlWithResponse(
                              new BlobCopyFromUrlOptions(url)
                                  .setMetadata(azureMetadata)
                                  .setTier(store.tier())
                                  .setSourceRequestConditions(
                                      new RequestConditions()
                                          .setIfMatch(AzureBlobObjectStore.quote(condition))),
                              null,
                              Context.NONE)
                          .getHeaders()
                          .getValue(HttpHeaderName.ETAG),
                  e -> errors.translate(e, what, targetKey));
          return new WriteResult(targetKey, info.size(), AzureBlobObjectStore.unquote(etag));
        }
        return asyncCopy(target, targetKey, url, condition, azureMetadata, info, what);
      } catch (PreconditionFailedException e) {
        if (expected != null || attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private WriteResult asyncCopy(
      BlockBlobClient target,
      String targetKey,
      String url,
      String condition,
      Map<String, String> azureMetadata,
      ObjectInfo info,
      String what) {
    PollResponse<BlobCopyInfo> done;
    try {
      SyncPoller<BlobCopyInfo, Void> poller =
          target.beginCopy(
              new BlobBeginCopyOptions(url)
                  .setMetadata(azureMetadata)
                  .setTier(store.tier())
                  .setSourceRequestConditions(
                      new BlobBeginCopySourceRequestConditions()
                          .setIfMatch(AzureBlobObjectStore.quote(condition)))
                  .setPollInterval(COPY_POLL_INTERVAL));
      done = poller.waitForCompletion();
    } catch (RuntimeException e) {
      throw errors.translate(e, what, targetKey);
    }
    BlobCopyInfo copy = done.getValue();
    if (done.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED
        || copy == null
        || copy.getCopyStatus() != CopyStatusType.SUCCESS) {
      throw new TransientStoreException(
          what
              + " "
              + errors.where(targetKey)
              + ": the asynchronous copy ended with status "
              + (copy == null ? done.getStatus() : copy.getCopyStatus())
              + (copy == null || copy.getError() == null ? "" : " (" + copy.getError() + ")")
              + "; copy it again");
    }
    ObjectInfo written = store.head(targetKey);
    return new WriteResult(targetKey, info.size(), written.etag());
  }

  AzureBlobObjectStore requireCopySource(ObjectStore source) {
    if (!canCopyFrom(source)) {
      throw new IllegalArgumentException(
          "server-side copy into "
              + store.root()
              + " needs an Azure source that this account's service can reach, not "
              + source.root());
    }
    return (AzureBlobObjectStore) source;
  }
}
