package io.skyrelay.connectors.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.UnexpectedLengthException;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.RequestConditions;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.batch.BlobBatch;
import com.azure.storage.blob.batch.BlobBatchClient;
import com.azure.storage.blob.batch.BlobBatchClientBuilder;
import com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockFromUrlOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.BoundedInputStream;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One container of one Azure Blob Storage account, holding block blobs.
 *
 * <p>ETags are reported without quotes. MD5: Azure computes the Content-MD5 of blobs written in one
 * request; {@link #put} also computes it while streaming and compares it with Azure's, and for
 * large puts written as blocks it stores its own. Blobs assembled by {@link #complete} have no MD5.
 *
 * <p>User metadata keys are mapped to C# identifiers, as Azure requires, by {@link MetadataNames}
 * ({@code source-etag} is stored as {@code source_2d_etag}). Azure compares metadata names without
 * regard to case and may return them lower-cased (Azurite does), as S3 does. Metadata values must
 * be ASCII.
 *
 * <p>Multi-part uploads are staged blocks: a part is a block whose id is derived from the upload id
 * and the part number, and {@link #complete} commits the block list. Azure has no way to discard
 * staged blocks: {@link #abort} does nothing, and the blocks of an abandoned upload expire after
 * seven days (or when the blob is next committed). Parts and whole objects are copied server-side
 * from another container, in this account or another, through a read-only SAS for the source blob
 * that lives one hour: a service SAS signed with the source's shared key, the source's own SAS
 * token, or a user delegation SAS when the source uses Azure AD credentials.
 */
public final class AzureBlobObjectStore implements ObjectStore, MultipartUploads, ServerSideCopy {

  /** How a store authenticates; decides how it hands out read access to its blobs for copies. */
  enum Auth {
    SHARED_KEY,
    SAS,
    TOKEN
  }

  static final long MAX_PART = 4000L << 20;
  static final int MAX_PARTS = 50_000;
  static final int MAX_KEY_CHARS = 1024;

  /** Copy Blob From URL copies sources up to this size in one synchronous request. */
  static final long MAX_SYNC_COPY = 256L << 20;

  private static final long SINGLE_PUT_MAX = 256L << 20;
  private static final long PUT_BLOCK_SIZE = 64L << 20;
  private static final int BATCH_MAX = 256;
  private static final Duration SAS_LIFETIME = Duration.ofHours(1);
  private static final Duration COPY_POLL_INTERVAL = Duration.ofSeconds(1);

  /** Marks block ids made by this connector, so that {@link #listPending} can recognise them. */
  private static final String BLOCK_ID_TAG = "skyrelay";

  private static final HttpHeaderName X_MS_RANGE = HttpHeaderName.fromString("x-ms-range");
  private static final HttpHeaderName X_MS_VERSION = HttpHeaderName.fromString("x-ms-version");
  private static final String META_PREFIX = "x-ms-meta-";

  private final StoreUri root;
  private final BlobContainerClient container;
  private final Auth auth;
  private final String sasToken;
  private final String credentialHint;
  private final URI accountUrl;
  private final Retrier retrier = Retrier.DEFAULT;
  private volatile BlobBatchClient batchClient;
  private volatile UserDelegationKey delegationKey;

  private volatile long singlePutMax = SINGLE_PUT_MAX;
  private volatile long putBlockSize = PUT_BLOCK_SIZE;
  private volatile long syncCopyMax = MAX_SYNC_COPY;

  /**
   * @param root the container, as {@code az://account/container}
   * @param container a client of the container, with credentials
   * @param auth the kind of credentials the client has
   * @param sasToken the SAS token the client uses, when {@code auth} is {@link Auth#SAS}
   * @param credentialHint where the credentials come from, for messages on refused requests
   */
  AzureBlobObjectStore(
      StoreUri root,
      BlobContainerClient container,
      Auth auth,
      String sasToken,
      String credentialHint) {
    this.root = root;
    this.container = container;
    this.auth = auth;
    this.sasToken = sasToken;
    this.credentialHint = credentialHint;
    this.accountUrl = URI.create(container.getAccountUrl());
  }

  /** Lowers the size limits of the transfer paths, so that tests reach them with small objects. */
  void setTransferLimits(long singlePutMax, long putBlockSize, long syncCopyMax) {
    this.singlePutMax = singlePutMax;
    this.putBlockSize = putBlockSize;
    this.syncCopyMax = syncCopyMax;
  }

  @Override
  public StoreUri root() {
    return root;
  }

  private static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidKeyException("object key is empty");
    }
    if (key.length() > MAX_KEY_CHARS) {
      throw new InvalidKeyException(
          "key '"
              + key.substring(0, 60)
              + "...' is "
              + key.length()
              + " characters long; Azure blob names have at most 1024");
    }
  }

  private BlockBlobClient blob(String key) {
    checkKey(key);
    return container.getBlobClient(key).getBlockBlobClient();
  }

  private String where(String key) {
    return key == null ? root.toString() : root + "/" + key;
  }

  // ---- required operations ------------------------------------------------------------------

  @Override
  public ListPage list(ListRequest request) {
    String prefix = request.prefix();
    String delimiter =
        request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
    ListBlobsOptions options = new ListBlobsOptions().setMaxResultsPerPage(request.maxKeys());
    if (!prefix.isEmpty()) {
      options.setPrefix(prefix);
    }
    String what = "listing " + where(prefix);
    return retrier.call(
        what,
        () -> {
          var pages =
              (delimiter == null
                      ? container.listBlobs(options, null)
                      : container.listBlobsByHierarchy(delimiter, options, null))
                  .iterableByPage(request.pageToken(), request.maxKeys());
          try (PagedResponse<BlobItem> page = pages.iterator().next()) {
            List<ObjectInfo> objects = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            for (BlobItem item : page.getValue()) {
              if (Boolean.TRUE.equals(item.isPrefix())) {
                prefixes.add(item.getName());
              } else {
                objects.add(info(item));
              }
            }
            String token = page.getContinuationToken();
            return new ListPage(objects, prefixes, token == null || token.isEmpty() ? null : token);
          }
        },
        e -> translate(e, "listing", prefix.isEmpty() ? null : prefix));
  }

  private static ObjectInfo info(BlobItem item) {
    BlobItemProperties p = item.getProperties();
    return new ObjectInfo(
        item.getName(),
        p.getContentLength() == null ? 0 : p.getContentLength(),
        unquote(p.getETag()),
        p.getLastModified() == null ? null : p.getLastModified().toInstant(),
        hex(p.getContentMd5()),
        p.getContentType(),
        MetadataNames.fromAzure(item.getMetadata()),
        p.getAccessTier() == null ? null : p.getAccessTier().toString());
  }

  @Override
  public ObjectInfo head(String key) {
    BlockBlobClient blob = blob(key);
    BlobProperties p =
        retrier.call(
            "head " + key,
            () -> blob.getPropertiesWithResponse(null, null, Context.NONE).getValue(),
            e -> translate(e, "reading the properties of", key));
    return new ObjectInfo(
        key,
        p.getBlobSize(),
        unquote(p.getETag()),
        p.getLastModified() == null ? null : p.getLastModified().toInstant(),
        hex(p.getContentMd5()),
        p.getContentType(),
        MetadataNames.fromAzure(p.getMetadata()),
        p.getAccessTier() == null ? null : p.getAccessTier().toString());
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    return open(key, range, ifMatch).stream();
  }

  /**
   * One GET through the client's pipeline (which signs it), whose response body is handed to the
   * caller as it arrives: the SDK's own download methods either buffer or fetch in chunks of a few
   * MiB, each a request of its own.
   */
  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
    checkKey(key);
    BlobClient blob = container.getBlobClient(key);
    HttpResponse response =
        retrier.call(
            "read " + key,
            () -> {
              HttpRequest request = new HttpRequest(HttpMethod.GET, blob.getBlobUrl());
              request.setHeader(X_MS_VERSION, container.getServiceVersion().getVersion());
              // The shared key signature covers Content-Length; the SDK's own requests send 0.
              request.setHeader(HttpHeaderName.CONTENT_LENGTH, "0");
              if (range != null) {
                request.setHeader(X_MS_RANGE, range.httpHeader());
              }
              if (ifMatch != null) {
                request.setHeader(HttpHeaderName.IF_MATCH, quote(ifMatch));
              }
              HttpResponse r = container.getHttpPipeline().sendSync(request, Context.NONE);
              int status = r.getStatusCode();
              if (status == 200 || status == 206) {
                return r;
              }
              String code = r.getHeaderValue(HttpHeaderName.fromString("x-ms-error-code"));
              r.close();
              throw new BlobStorageException(
                  "Status code " + status + ", " + (code == null ? "(no error code)" : code),
                  r,
                  null);
            },
            e -> translate(e, "reading", key));
    ObjectInfo info = info(key, response, range != null);
    InputStream body = response.getBodyAsBinaryData().toStream();
    return new ObjectContent(info, new ResponseStream(body, response, key));
  }

  private static ObjectInfo info(String key, HttpResponse r, boolean ranged) {
    long size = parseLong(r.getHeaderValue(HttpHeaderName.CONTENT_LENGTH), 0);
    String contentRange = r.getHeaderValue(HttpHeaderName.CONTENT_RANGE);
    if (contentRange != null) {
      int slash = contentRange.lastIndexOf('/');
      if (slash >= 0) {
        size = parseLong(contentRange.substring(slash + 1).trim(), size);
      }
    }
    String md5 = r.getHeaderValue(HttpHeaderName.fromString("x-ms-blob-content-md5"));
    if (md5 == null && !ranged) {
      md5 = r.getHeaderValue(HttpHeaderName.CONTENT_MD5);
    }
    Map<String, String> metadata = new TreeMap<>();
    for (HttpHeader h : r.getHeaders()) {
      if (h.getName().toLowerCase(Locale.ROOT).startsWith(META_PREFIX)) {
        metadata.put(
            MetadataNames.fromAzure(h.getName().substring(META_PREFIX.length())), h.getValue());
      }
    }
    String modified = r.getHeaderValue(HttpHeaderName.LAST_MODIFIED);
    return new ObjectInfo(
        key,
        size,
        unquote(r.getHeaderValue(HttpHeaderName.ETAG)),
        modified == null
            ? null
            : ZonedDateTime.parse(modified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(),
        md5 == null ? null : hex(Base64.getDecoder().decode(md5)),
        r.getHeaderValue(HttpHeaderName.CONTENT_TYPE),
        metadata,
        r.getHeaderValue(HttpHeaderName.fromString("x-ms-access-tier")));
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    BlockBlobClient blob = blob(key);
    Map<String, String> metadata = azureMetadata(options.metadata(), key);
    MessageDigest md5 = Digests.md5();
    DigestInputStream in = new DigestInputStream(content, md5);
    if (length <= singlePutMax) {
      BlockBlobItem written;
      try {
        written =
            blob.uploadWithResponse(
                    new BlockBlobSimpleUploadOptions(BinaryData.fromStream(in, length))
                        .setHeaders(new BlobHttpHeaders().setContentType(options.contentType()))
                        // checked by the service: a body that differs is refused, nothing written
                        .setContentMd5(
                            options.md5() == null ? null : HexFormat.of().parseHex(options.md5()))
                        .setMetadata(metadata)
                        .setRequestConditions(createConditions(options)),
                    null,
                    Context.NONE)
                .getValue();
      } catch (RuntimeException e) {
        throw translate(e, "writing", key);
      }
      String etag = unquote(written.getETag());
      byte[] ours = md5.digest();
      if (written.getContentMd5() != null && !Arrays.equals(ours, written.getContentMd5())) {
        deleteIfUnchanged(key, etag);
        throw new TransientStoreException(
            "writing "
                + where(key)
                + ": the MD5 Azure computed ("
                + hex(written.getContentMd5())
                + ") differs from the MD5 of the bytes sent ("
                + hex(ours)
                + "); the bytes changed in transit and the blob was removed: write it again");
      }
      return new WriteResult(key, length, etag);
    }
    return putAsBlocks(key, blob, in, md5, length, options, metadata);
  }

  /** A put too large for one request: consecutive blocks streamed from {@code in}, committed. */
  private WriteResult putAsBlocks(
      String key,
      BlockBlobClient blob,
      InputStream in,
      MessageDigest md5,
      long length,
      PutOptions options,
      Map<String, String> metadata) {
    if (options.ifNoneMatch() && exists(key)) {
      throw alreadyExists(key);
    }
    long blockSize = Math.max(putBlockSize, (length + MAX_PARTS - 1) / MAX_PARTS);
    String uploadId = newUploadId();
    List<String> ids = new ArrayList<>();
    long remaining = length;
    for (int part = 1; remaining > 0; part++) {
      long n = Math.min(blockSize, remaining);
      String id = blockId(uploadId, part);
      try {
        blob.stageBlockWithResponse(
            new BlockBlobStageBlockOptions(
                id, BinaryData.fromStream(BoundedInputStream.slice(in, n), n)),
            null,
            Context.NONE);
      } catch (RuntimeException e) {
        throw translate(e, "writing block " + part + " of", key);
      }
      ids.add(id);
      remaining -= n;
    }
    byte[] digest = md5.digest();
    if (options.md5() != null && !options.md5().equalsIgnoreCase(hex(digest))) {
      throw options.md5Mismatch(where(key), hex(digest)); // the staged blocks are never committed
    }
    BlockBlobItem written =
        commit(
            key,
            blob,
            ids,
            new BlobHttpHeaders().setContentType(options.contentType()).setContentMd5(digest),
            metadata,
            options);
    return new WriteResult(key, length, unquote(written.getETag()));
  }

  private boolean exists(String key) {
    try {
      head(key);
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  private void deleteIfUnchanged(String key, String etag) {
    try {
      container
          .getBlobClient(key)
          .deleteIfExistsWithResponse(
              DeleteSnapshotsOptionType.INCLUDE,
              new BlobRequestConditions().setIfMatch(quote(etag)),
              null,
              Context.NONE);
    } catch (RuntimeException ignored) {
      // someone else wrote the blob since: it is theirs now
    }
  }

  private static BlobRequestConditions createConditions(PutOptions options) {
    return options.ifNoneMatch() ? new BlobRequestConditions().setIfNoneMatch("*") : null;
  }

  private Map<String, String> azureMetadata(Map<String, String> metadata, String key) {
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      String v = e.getValue();
      if (v == null || !StandardCharsets.US_ASCII.newEncoder().canEncode(v)) {
        throw new StoreException(
            "writing "
                + where(key)
                + ": the value of metadata key '"
                + e.getKey()
                + "' is "
                + (v == null ? "null" : "not ASCII")
                + "; Azure metadata values are HTTP header values and must be ASCII");
      }
      if (e.getKey() == null || e.getKey().isEmpty()) {
        throw new StoreException("writing " + where(key) + ": a metadata key is empty");
      }
    }
    return MetadataNames.toAzure(metadata);
  }

  @Override
  public void delete(String key) {
    BlockBlobClient blob = blob(key);
    retrier.call(
        "delete " + key,
        () ->
            blob.deleteIfExistsWithResponse(
                DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE),
        e -> translate(e, "deleting", key));
  }

  /**
   * Blob batch requests of up to 256 deletes each; a delete that fails inside a batch (other than
   * for a missing blob) is tried once more on its own, with retries.
   */
  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    Map<String, String> failed = new HashMap<>();
    int deleted = 0;
    List<String> all = new ArrayList<>(keys);
    all.forEach(AzureBlobObjectStore::checkKey);
    for (int i = 0; i < all.size(); i += BATCH_MAX) {
      List<String> chunk = all.subList(i, Math.min(all.size(), i + BATCH_MAX));
      Map<String, Response<Void>> results =
          retrier.call(
              "batch delete in " + root,
              () -> {
                BlobBatchClient client = batchClient();
                BlobBatch batch = client.getBlobBatch();
                Map<String, Response<Void>> r = new LinkedHashMap<>();
                for (String key : chunk) {
                  r.put(
                      key,
                      batch.deleteBlob(
                          container.getBlobClient(key).getBlobUrl(),
                          DeleteSnapshotsOptionType.INCLUDE,
                          null));
                }
                client.submitBatchWithResponse(batch, false, null, Context.NONE);
                return r;
              },
              e -> translate(e, "deleting a batch of " + chunk.size() + " objects in", null));
      for (Map.Entry<String, Response<Void>> e : results.entrySet()) {
        int status;
        try {
          status = e.getValue().getStatusCode();
        } catch (BlobStorageException failure) {
          status = failure.getStatusCode();
        }
        if (status == 202 || status == 200 || status == 404) {
          deleted++;
          continue;
        }
        try {
          delete(e.getKey());
          deleted++;
        } catch (StoreException retryFailed) {
          failed.put(e.getKey(), retryFailed.getMessage());
        }
      }
    }
    return new BatchDeleteResult(deleted, failed);
  }

  private BlobBatchClient batchClient() {
    BlobBatchClient c = batchClient;
    if (c == null) {
      c = new BlobBatchClientBuilder(container).buildClient();
      batchClient = c;
    }
    return c;
  }

  // ---- server-side copy ---------------------------------------------------------------------

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.of(this);
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
    if (sameAuthority(accountUrl, other.accountUrl)) {
      return true;
    }
    return !AzureBlobObjectStoreProvider.isIpOrLoopback(accountUrl.getHost())
        && !AzureBlobObjectStoreProvider.isIpOrLoopback(other.accountUrl.getHost());
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
    BlockBlobClient target = blob(targetKey);
    String expected = ifMatch == null ? null : unquote(ifMatch);
    String what = "copying " + src.where(sourceKey) + " to";
    // Without an ETag from the caller, the copy is still made conditional on the version whose
    // metadata was read, so that bytes and metadata match; a change in between starts over.
    for (int attempt = 1; ; attempt++) {
      ObjectInfo info = src.head(sourceKey);
      String condition = expected != null ? expected : info.etag();
      if (!condition.equals(info.etag())) {
        throw changed(src.where(sourceKey), info.etag(), expected);
      }
      Map<String, String> metadata = new LinkedHashMap<>(info.metadata());
      if (extraMetadata != null) {
        metadata.putAll(extraMetadata);
      }
      Map<String, String> azureMetadata = azureMetadata(metadata, targetKey);
      String url = src.readUrl(sourceKey);
      try {
        if (info.size() <= syncCopyMax) {
          String etag =
              retrier.call(
                  what + " " + targetKey,
                  () ->
                      target
                          .copyFromUrlWithResponse(
                              new BlobCopyFromUrlOptions(url)
                                  .setMetadata(azureMetadata)
                                  .setSourceRequestConditions(
                                      new RequestConditions().setIfMatch(quote(condition))),
                              null,
                              Context.NONE)
                          .getHeaders()
                          .getValue(HttpHeaderName.ETAG),
                  e -> translate(e, what, targetKey));
          return new WriteResult(targetKey, info.size(), unquote(etag));
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
                  .setSourceRequestConditions(
                      new BlobBeginCopySourceRequestConditions().setIfMatch(quote(condition)))
                  .setPollInterval(COPY_POLL_INTERVAL));
      done = poller.waitForCompletion();
    } catch (RuntimeException e) {
      throw translate(e, what, targetKey);
    }
    BlobCopyInfo copy = done.getValue();
    if (done.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED
        || copy == null
        || copy.getCopyStatus() != CopyStatusType.SUCCESS) {
      throw new TransientStoreException(
          what
              + " "
              + where(targetKey)
              + ": the asynchronous copy ended with status "
              + (copy == null ? done.getStatus() : copy.getCopyStatus())
              + (copy == null || copy.getError() == null ? "" : " (" + copy.getError() + ")")
              + "; copy it again");
    }
    ObjectInfo written = head(targetKey);
    return new WriteResult(targetKey, info.size(), written.etag());
  }

  private AzureBlobObjectStore requireCopySource(ObjectStore source) {
    if (!canCopyFrom(source)) {
      throw new IllegalArgumentException(
          "server-side copy into "
              + root
              + " needs an Azure source that this account's service can reach, not "
              + source.root());
    }
    return (AzureBlobObjectStore) source;
  }

  /**
   * A URL through which another account's service can read {@code key}, carrying a read-only SAS
   * that expires in an hour. Never put it in a message: the SAS is a credential.
   */
  String readUrl(String key) {
    BlobClient blob = container.getBlobClient(key);
    BlobServiceSasSignatureValues values =
        new BlobServiceSasSignatureValues(
            OffsetDateTime.now().plus(SAS_LIFETIME),
            new BlobSasPermission().setReadPermission(true));
    String sas =
        switch (auth) {
          case SHARED_KEY -> blob.generateSas(values);
          case SAS -> sasToken;
          case TOKEN -> blob.generateUserDelegationSas(values, delegationKey());
        };
    return blob.getBlobUrl() + "?" + sas;
  }

  private UserDelegationKey delegationKey() {
    UserDelegationKey k = delegationKey;
    OffsetDateTime now = OffsetDateTime.now();
    if (k == null || k.getSignedExpiry().isBefore(now.plus(SAS_LIFETIME))) {
      k =
          retrier.call(
              "get a user delegation key",
              () ->
                  container
                      .getServiceClient()
                      .getUserDelegationKey(
                          now.minusMinutes(5), now.plus(SAS_LIFETIME).plusHours(2)),
              e -> translate(e, "getting a user delegation key (for copies) of", null));
      delegationKey = k;
    }
    return k;
  }

  // ---- multi-part ---------------------------------------------------------------------------

  @Override
  public Optional<MultipartUploads> multipart() {
    return Optional.of(this);
  }

  private static final PartLimits PART_LIMITS = new PartLimits(1, MAX_PART, MAX_PARTS);

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  /** Nothing is sent to Azure: blocks are staged under ids that carry the upload id. */
  @Override
  public UploadHandle begin(String key, PutOptions options) {
    checkKey(key);
    azureMetadata(options.metadata(), key);
    return new UploadHandle(key, newUploadId(), options);
  }

  private static String newUploadId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * The block id of a part: Base64 of a fixed-length text (tag, 32 hex digits of upload id, 5
   * digits of part number), since Azure requires all block ids of a blob to have the same length.
   */
  static String blockId(String uploadId, int partNumber) {
    if (uploadId == null || !uploadId.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException(
          "'" + uploadId + "' is not an upload id of the Azure connector");
    }
    if (partNumber < 1 || partNumber > MAX_PARTS) {
      throw new IllegalArgumentException(
          "part number must be in 1.." + MAX_PARTS + ", got " + partNumber);
    }
    String raw = BLOCK_ID_TAG + uploadId + String.format(Locale.ROOT, "%05d", partNumber);
    return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  /** The upload id a block id made by {@link #blockId} carries, or null for other block ids. */
  static String uploadIdOf(String blockId) {
    try {
      String raw = new String(Base64.getDecoder().decode(blockId), StandardCharsets.US_ASCII);
      if (raw.length() == BLOCK_ID_TAG.length() + 37
          && raw.startsWith(BLOCK_ID_TAG)
          && raw.substring(BLOCK_ID_TAG.length()).matches("[0-9a-f]{32}[0-9]{5}")) {
        return raw.substring(BLOCK_ID_TAG.length(), BLOCK_ID_TAG.length() + 32);
      }
    } catch (IllegalArgumentException notBase64) {
      // a block id of another tool
    }
    return null;
  }

  @Override
  public CompletedPart uploadPart(
      UploadHandle upload, int partNumber, InputStream content, long length) {
    checkPartSize(length);
    String id = blockId(upload.uploadId(), partNumber);
    try {
      blob(upload.key())
          .stageBlockWithResponse(
              new BlockBlobStageBlockOptions(id, BinaryData.fromStream(content, length)),
              null,
              Context.NONE);
    } catch (RuntimeException e) {
      throw translate(e, "uploading part " + partNumber + " of", upload.key());
    }
    return new CompletedPart(partNumber, id, length);
  }

  private static void checkPartSize(long length) {
    if (length < 1 || length > MAX_PART) {
      throw new IllegalArgumentException(
          "an Azure block holds 1 byte to 4000 MiB, got " + length + " bytes");
    }
  }

  @Override
  public boolean canCopyPartFrom(ObjectStore source) {
    return canCopyFrom(source);
  }

  @Override
  public CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch) {
    AzureBlobObjectStore src = requireCopySource(source);
    checkPartSize(range.length());
    String id = blockId(upload.uploadId(), partNumber);
    BlockBlobClient blob = blob(upload.key());
    String url = src.readUrl(sourceKey);
    BlockBlobStageBlockFromUrlOptions options =
        new BlockBlobStageBlockFromUrlOptions(id, url)
            .setSourceRange(new BlobRange(range.first(), range.length()));
    if (ifMatch != null) {
      options.setSourceRequestConditions(new BlobRequestConditions().setIfMatch(quote(ifMatch)));
    }
    // Staging the same block again replaces it with the same bytes: safe to retry.
    retrier.call(
        "copy part " + partNumber + " of " + upload.key(),
        () -> blob.stageBlockFromUrlWithResponse(options, null, Context.NONE),
        e ->
            translate(
                e,
                "copying bytes "
                    + range.httpHeader()
                    + " of "
                    + src.where(sourceKey)
                    + " into part "
                    + partNumber
                    + " of",
                upload.key()));
    return new CompletedPart(partNumber, id, range.length());
  }

  @Override
  public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(
          "completing the upload of " + upload.key() + " needs at least one part");
    }
    List<CompletedPart> sorted = new ArrayList<>(parts);
    sorted.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
    List<String> ids = new ArrayList<>(sorted.size());
    long size = 0;
    int previous = 0;
    for (CompletedPart p : sorted) {
      if (p.partNumber() == previous) {
        throw new IllegalArgumentException(
            "part " + p.partNumber() + " of " + upload.key() + " is listed twice");
      }
      previous = p.partNumber();
      ids.add(blockId(upload.uploadId(), p.partNumber()));
      size += p.size();
    }
    PutOptions options = upload.options();
    BlockBlobItem written =
        commit(
            upload.key(),
            blob(upload.key()),
            ids,
            new BlobHttpHeaders().setContentType(options.contentType()),
            azureMetadata(options.metadata(), upload.key()),
            options);
    return new WriteResult(upload.key(), size, unquote(written.getETag()));
  }

  private BlockBlobItem commit(
      String key,
      BlockBlobClient blob,
      List<String> ids,
      BlobHttpHeaders headers,
      Map<String, String> metadata,
      PutOptions options) {
    return retrier.call(
        "commit " + key,
        () ->
            blob.commitBlockListWithResponse(
                    new BlockBlobCommitBlockListOptions(ids)
                        .setHeaders(headers)
                        .setMetadata(metadata)
                        .setRequestConditions(createConditions(options)),
                    null,
                    Context.NONE)
                .getValue(),
        e -> translate(e, "committing the blocks of", key));
  }

  /**
   * Does nothing: Azure cannot discard staged blocks. They stay invisible, and expire seven days
   * after they were staged, or vanish when the blob is next committed by anyone.
   */
  @Override
  public void abort(UploadHandle upload) {}

  /**
   * Uploads under {@code prefix} that were begun for keys with no committed blob yet: the listing
   * with uncommitted blobs shows them with size 0, and the block list of each such blob tells the
   * upload ids of its blocks (one request per empty or uncommitted blob). Uploads that overwrite an
   * existing blob are not found, and neither are the content type and metadata of an upload.
   * Because {@link #abort} cannot discard blocks, aborted uploads are listed until their blocks
   * expire.
   */
  @Override
  public List<UploadHandle> listPending(String prefix) {
    List<UploadHandle> pending = new ArrayList<>();
    ListBlobsOptions options =
        new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true));
    if (prefix != null && !prefix.isEmpty()) {
      options.setPrefix(prefix);
    }
    String token = null;
    do {
      String t = token;
      PagedResponse<BlobItem> page =
          retrier.call(
              "list uploads",
              () -> container.listBlobs(options, null).iterableByPage(t).iterator().next(),
              e -> translate(e, "listing pending uploads in", prefix));
      for (BlobItem item : page.getValue()) {
        if (!uncommitted(item)) {
          continue;
        }
        List<Block> blocks =
            retrier.call(
                "block list of " + item.getName(),
                () ->
                    container
                        .getBlobClient(item.getName())
                        .getBlockBlobClient()
                        .listBlocks(BlockListType.UNCOMMITTED)
                        .getUncommittedBlocks(),
                e -> translate(e, "listing the uncommitted blocks of", item.getName()));
        blocks.stream()
            .map(b -> uploadIdOf(b.getName()))
            .filter(id -> id != null)
            .distinct()
            .forEach(id -> pending.add(new UploadHandle(item.getName(), id, PutOptions.DEFAULT)));
      }
      token = page.getContinuationToken();
    } while (token != null && !token.isEmpty());
    return pending;
  }

  /** A listed blob that may exist only as uncommitted blocks: it has no committed bytes. */
  private static boolean uncommitted(BlobItem item) {
    BlobItemProperties p = item.getProperties();
    return p == null || p.getContentLength() == null || p.getContentLength() == 0;
  }

  // ---- errors -------------------------------------------------------------------------------

  private static PreconditionFailedException changed(String what, String etag, String expected) {
    return new PreconditionFailedException(
        "object "
            + what
            + " changed since it was listed (ETag "
            + etag
            + ", expected "
            + expected
            + "); list it again and retry");
  }

  private PreconditionFailedException alreadyExists(String key) {
    return new PreconditionFailedException(
        "writing "
            + where(key)
            + ": the object already exists and the write asked for If-None-Match: *");
  }

  /** The typed error for a failed call, with a message naming the object and what to do. */
  StoreException translate(Exception e, String action, String key) {
    if (e instanceof StoreException se) {
      return se;
    }
    String what = action + " " + where(key);
    if (e instanceof BlobStorageException b) {
      int status = b.getStatusCode();
      String code = b.getErrorCode() == null ? "" : b.getErrorCode().toString();
      boolean sourceProblem = code.equals("CannotVerifyCopySource");
      if (status == 404) {
        if (code.equals("ContainerNotFound")) {
          return new ObjectNotFoundException(
              what
                  + ": container '"
                  + root.container()
                  + "' does not exist in storage account '"
                  + root.account()
                  + "'; create it, or check the container name and the endpoint setting",
              b);
        }
        if (sourceProblem) {
          return new ObjectNotFoundException(what + ": the copy source does not exist", b);
        }
        return new ObjectNotFoundException(what + ": no such object", b);
      }
      if (status == 412 || code.equals("ConditionNotMet") || code.contains("ConditionNotMet")) {
        return new PreconditionFailedException(
            what
                + ": precondition failed ("
                + code
                + "): the object changed since its ETag was read; list it again and retry",
            b);
      }
      if (code.equals("BlobAlreadyExists")) {
        return new PreconditionFailedException(
            what + ": the object already exists and the write asked for If-None-Match: *", b);
      }
      if (status == 401 || status == 403) {
        if (sourceProblem) {
          return new AccessDeniedException(
              what
                  + ": the service could not read the copy source with the read-only SAS made from"
                  + " the source store's credentials ("
                  + code
                  + "); check the source's credential settings and, with Azure AD credentials,"
                  + " that its identity may create user delegation keys",
              b);
        }
        return new AccessDeniedException(
            what
                + ": access denied ("
                + (code.isEmpty() ? "HTTP " + status : code)
                + "); check "
                + credentialHint,
            b);
      }
      if (status == 429 || status == 503 || code.equals("ServerBusy")) {
        return new ThrottledException(what + ": throttled by the store (" + code + ")", b);
      }
      if (status == 416 || code.equals("InvalidRange")) {
        return new StoreException(what + ": the requested range is outside the object", b);
      }
      if (code.equals("InvalidBlockList")) {
        return new StoreException(
            what
                + ": some parts are not staged (never uploaded, or expired seven days after"
                + " upload, or discarded when the blob was written meanwhile); upload them again",
            b);
      }
      if (code.equals("InvalidBlobOrBlock") || code.equals("InvalidBlockId")) {
        return new StoreException(
            what
                + ": Azure refused the block ("
                + code
                + "); this happens when another tool left uncommitted blocks with ids of another"
                + " length on the blob: they vanish when the blob is next written or after seven"
                + " days",
            b);
      }
      if (code.equals("InvalidMetadata") || code.equals("EmptyMetadataKey")) {
        return new StoreException(
            what
                + ": Azure refused the metadata ("
                + code
                + "); keys are mapped to identifiers, values must be ASCII",
            b);
      }
      if (code.equals("OutOfRangeInput") || code.equals("InvalidResourceName")) {
        return new InvalidKeyException(
            what + ": Azure refused the blob name (" + code + "); names have 1 to 1024 characters");
      }
      if (status >= 500) {
        return new TransientStoreException(
            what + ": store error " + status + " " + code + "; it may pass on retry", b);
      }
      return new StoreException(
          what + ": " + status + " " + code + " " + firstLine(b.getServiceMessage()), b);
    }
    if (e instanceof UnexpectedLengthException) {
      return new StoreException(
          what + ": the source stream gave another number of bytes than announced", e);
    }
    if (e instanceof ClientAuthenticationException) {
      return new AccessDeniedException(
          what + ": could not get an Azure AD token; check " + credentialHint, e);
    }
    Throwable io = e instanceof IOException ? e : e.getCause();
    if (io instanceof IOException) {
      return new TransientStoreException(
          what
              + ": I/O error talking to "
              + accountUrl.getScheme()
              + "://"
              + accountUrl.getAuthority()
              + " ("
              + io
              + "); check the endpoint setting and the network, or retry",
          e);
    }
    return new StoreException(what + " failed: " + e, e);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  // ---- helpers ------------------------------------------------------------------------------

  static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  static String quote(String etag) {
    return etag.startsWith("\"") || etag.equals("*") ? etag : "\"" + etag + "\"";
  }

  private static String hex(byte[] bytes) {
    return bytes == null || bytes.length == 0 ? null : HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    // The HTTP client is shared by all stores of the JVM; nothing else holds resources.
  }

  @Override
  public String toString() {
    return "AzureBlobObjectStore(" + root + ")";
  }

  /** The body of a GET; closing it releases the connection. */
  private static final class ResponseStream extends FilterInputStream {
    private final HttpResponse response;
    private final String key;

    ResponseStream(InputStream body, HttpResponse response, String key) {
      super(body);
      this.response = response;
      this.key = key;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        response.close();
      }
    }

    @Override
    public String toString() {
      return "stream of " + key;
    }
  }

  /** The next {@code remaining} bytes of a stream that stays open for the slices after it. */
}
