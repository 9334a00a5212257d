package io.skyrelay.connectors.azure;

import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.batch.BlobBatch;
import com.azure.storage.blob.batch.BlobBatchClient;
import com.azure.storage.blob.batch.BlobBatchClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.BoundedInputStream;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ConditionalDelete;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.TransientStoreException;
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

/**
 * One container of one Azure Blob Storage account, holding block blobs.
 *
 * <p>ETags are reported without quotes. MD5: Azure computes the Content-MD5 of blobs written in one
 * request; {@link #put} also computes it while streaming and compares it with Azure's, and for
 * large puts written as blocks it stores its own. Blobs assembled from parts have no MD5.
 *
 * <p>User metadata keys are mapped to C# identifiers, as Azure requires, by {@link MetadataNames}
 * ({@code source-etag} is stored as {@code source_2d_etag}). Azure compares metadata names without
 * regard to case and may return them lower-cased (Azurite does), as S3 does. Metadata values must
 * be ASCII.
 *
 * <p>Multi-part uploads are staged blocks ({@link AzureBlockUploads}). Parts and whole objects
 * ({@link AzureCopies}) are copied server-side from another container, in this account or another,
 * through a read-only SAS for the source blob that lives one hour: a service SAS signed with the
 * source's shared key, the source's own SAS token, or a user delegation SAS when the source uses
 * Azure AD credentials. Failures are translated by {@link AzureErrors}.
 */
public final class AzureBlobObjectStore implements ObjectStore {

  /** How a store authenticates; decides how it hands out read access to its blobs for copies. */
  enum Auth {
    SHARED_KEY,
    SAS,
    TOKEN
  }

  static final int MAX_KEY_CHARS = 1024;

  private static final long SINGLE_PUT_MAX = 256L << 20;
  private static final long PUT_BLOCK_SIZE = 64L << 20;
  private static final int BATCH_MAX = 256;
  private static final Duration SAS_LIFETIME = Duration.ofHours(1);

  private static final HttpHeaderName X_MS_RANGE = HttpHeaderName.fromString("x-ms-range");
  private static final HttpHeaderName X_MS_VERSION = HttpHeaderName.fromString("x-ms-version");
  private static final String META_PREFIX = "x-ms-meta-";

  private final StoreUri root;
  private final BlobContainerClient container;
  private final Auth auth;
  private final String sasToken;
  private final URI accountUrl;
  private final Retrier retrier = Retrier.DEFAULT;
  private final AzureErrors errors;
  private final AzureCopies copies;
  private final AzureBlockUploads uploads;
  private final AccessTier tier;
  private volatile BlobBatchClient batchClient;
  private volatile UserDelegationKey delegationKey;

  private volatile long singlePutMax = SINGLE_PUT_MAX;
  private volatile long putBlockSize = PUT_BLOCK_SIZE;
  private volatile long syncCopyMax = AzureCopies.MAX_SYNC_COPY;

  /**
   * @param root the container, as {@code az://account/container}
   * @param container a client of the container, with credentials
   * @param auth the kind of credentials the client has
   * @param sasToken the SAS token the client uses, when {@code auth} is {@link Auth#SAS}
   * @param credentialHint where the credentials come from, for messages on refused requests
   * @param tier the access tier of every blob written, or null for the account's default
   */
  AzureBlobObjectStore(
      StoreUri root,
      BlobContainerClient container,
      Auth auth,
      String sasToken,
      String credentialHint,
      AccessTier tier) {
    this.root = root;
    this.container = container;
    this.auth = auth;
    this.sasToken = sasToken;
    this.tier = tier;
    this.accountUrl = URI.create(container.getAccountUrl());
    this.errors = new AzureErrors(root, credentialHint, accountUrl);
    this.copies = new AzureCopies(this, retrier, errors);
    this.uploads = new AzureBlockUploads(this, container, copies, retrier, errors);
  }

  URI accountUrl() {
    return accountUrl;
  }

  /** The access tier of the blobs this store writes, or null for the account's default. */
  AccessTier tier() {
    return tier;
  }

  /** The largest source copied with one synchronous Copy Blob From URL request. */
  long syncCopyMax() {
    return syncCopyMax;
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

  static void checkKey(String key) {
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

  BlockBlobClient blob(String key) {
    checkKey(key);
    return container.getBlobClient(key).getBlockBlobClient();
  }

  String where(String key) {
    return errors.where(key);
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
        e -> errors.translate(e, "listing", prefix.isEmpty() ? null : prefix));
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
            e -> errors.translate(e, "reading the properties of", key));
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
            e -> errors.translate(e, "reading", key));
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
                        .setTier(tier)
                        .setRequestConditions(createConditions(options)),
                    null,
                    Context.NONE)
                .getValue();
      } catch (RuntimeException e) {
        throw errors.translate(e, "writing", key);
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
      throw errors.alreadyExists(key);
    }
    long blockSize =
        Math.max(
            putBlockSize, (length + AzureBlockUploads.MAX_PARTS - 1) / AzureBlockUploads.MAX_PARTS);
    String uploadId = AzureBlockUploads.newUploadId();
    List<String> ids = new ArrayList<>();
    long remaining = length;
    for (int part = 1; remaining > 0; part++) {
      long n = Math.min(blockSize, remaining);
      String id = AzureBlockUploads.blockId(uploadId, part);
      try {
        blob.stageBlockWithResponse(
            new BlockBlobStageBlockOptions(
                id, BinaryData.fromStream(BoundedInputStream.slice(in, n), n)),
            null,
            Context.NONE);
      } catch (RuntimeException e) {
        throw errors.translate(e, "writing block " + part + " of", key);
      }
      ids.add(id);
      remaining -= n;
    }
    byte[] digest = md5.digest();
    if (options.md5() != null && !options.md5().equalsIgnoreCase(hex(digest))) {
      throw options.md5Mismatch(where(key), hex(digest)); // the staged blocks are never committed
    }
    BlockBlobItem written =
        uploads.commit(
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

  static BlobRequestConditions createConditions(PutOptions options) {
    return options.ifNoneMatch() ? new BlobRequestConditions().setIfNoneMatch("*") : null;
  }

  Map<String, String> azureMetadata(Map<String, String> metadata, String key) {
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
        e -> errors.translate(e, "deleting", key));
  }

  /** Delete Blob with If-Match. */
  @Override
  public Optional<ConditionalDelete> conditionalDelete() {
    return Optional.of(
        (key, etag) -> {
          BlockBlobClient blob = blob(key);
          retrier.call(
              "delete " + key + " if its ETag is " + etag,
              () ->
                  blob.deleteIfExistsWithResponse(
                      DeleteSnapshotsOptionType.INCLUDE,
                      new BlobRequestConditions().setIfMatch(quote(etag)),
                      null,
                      Context.NONE),
              e -> errors.translate(e, "deleting", key));
        });
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
              e ->
                  errors.translate(e, "deleting a batch of " + chunk.size() + " objects in", null));
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

  // ---- optional abilities ------------------------------------------------------------------

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.of(copies);
  }

  @Override
  public Optional<MultipartUploads> multipart() {
    return Optional.of(uploads);
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
              e -> errors.translate(e, "getting a user delegation key (for copies) of", null));
      delegationKey = k;
    }
    return k;
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
