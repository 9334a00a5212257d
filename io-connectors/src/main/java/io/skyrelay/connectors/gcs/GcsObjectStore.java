package io.skyrelay.connectors.gcs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.CopyWriter;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import com.google.cloud.storage.Storage.ComposeRequest;
import com.google.cloud.storage.Storage.CopyRequest;
import com.google.cloud.storage.StorageBatch;
import com.google.cloud.storage.StorageBatchResult;
import com.google.cloud.storage.StorageException;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.KeyOrder;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Redactor;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Google Cloud Storage bucket, through the official {@link Storage} client (JSON API).
 *
 * <p>The ETag of an object is its generation as a decimal string: GCS gives every write of an
 * object a new generation, and conditional requests ({@code ifGenerationMatch}) are built on it, so
 * If-Match and If-None-Match map onto them exactly. The MD5 is the one GCS reports; composite
 * objects (made by {@link #complete}) have none.
 *
 * <p>Multi-part uploads are built from compose: each part is a temporary object named {@code
 * .skyrelay-uploads/<uploadId>/<key-hash>/<part>}, next to a small descriptor {@code
 * .skyrelay-uploads/<uploadId>/upload.json} that records the target key and its options, so that
 * {@link #listPending} can find unfinished uploads. {@link #complete} composes the parts (in rounds
 * of at most 32, the GCS limit) into the target and deletes the temporary objects. The {@value
 * #UPLOADS_PREFIX} prefix is reserved: keys cannot start with it and {@link #list} leaves it out,
 * although a listing of the bucket root still pays for reading past those objects.
 */
public final class GcsObjectStore implements ObjectStore, MultipartUploads, ServerSideCopy {

  private static final Logger LOG = LoggerFactory.getLogger(GcsObjectStore.class);

  /** Where temporary objects of multi-part uploads live; reserved, and hidden from listings. */
  public static final String UPLOADS_PREFIX = ".skyrelay-uploads/";

  /** GCS compose accepts at most this many source objects in one request. */
  static final int MAX_COMPOSE_SOURCES = 32;

  /** GCS batch requests carry at most this many calls. */
  static final int MAX_BATCH_SIZE = 100;

  private static final long MAX_OBJECT_SIZE = 5L << 40;
  private static final int MAX_KEY_BYTES = 1024;
  private static final int COPY_BUFFER = 256 << 10;
  private static final int FIRST_READ = 64 << 10;
  private static final String DESCRIPTOR = "upload.json";
  private static final Pattern UPLOAD_ID =
      Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Credentials of Google's own shapes that {@link Redactor} does not know: OAuth access tokens and
   * the private key of a service account key file.
   */
  private static final Pattern GOOGLE_SECRETS =
      Pattern.compile(
          "ya29\\.[A-Za-z0-9_\\-.]+|1//[A-Za-z0-9_\\-]{20,}"
              + "|-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----"
              + "|(?i)(\"?private_key\"?\\s*[:=]\\s*\"?)[^\",}]+");

  private final Storage storage;
  private final String bucket;
  private final String credentialHint;
  private final boolean ownsClient;
  private final Retrier retrier;

  /**
   * A store over a client made elsewhere (tests, or callers with their own client settings); the
   * client stays open when the store is closed.
   */
  public GcsObjectStore(Storage storage, String bucket) {
    this(
        storage,
        bucket,
        "check the credentials the Storage client was built with",
        false,
        Retrier.DEFAULT);
  }

  /**
   * @param credentialHint what to check when GCS refuses the credentials; names the setting the
   *     credentials came from
   * @param ownsClient whether {@link #close} closes {@code storage}
   */
  GcsObjectStore(
      Storage storage, String bucket, String credentialHint, boolean ownsClient, Retrier retrier) {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("bucket is required");
    }
    this.storage = storage;
    this.bucket = bucket;
    this.credentialHint = credentialHint;
    this.ownsClient = ownsClient;
    this.retrier = retrier;
  }

  @Override
  public StoreUri root() {
    return new StoreUri("gs", null, bucket, "");
  }

  /** The host the client talks to; stores on the same host can copy between each other. */
  String host() {
    return storage.getOptions().getHost();
  }

  // ---- keys ---------------------------------------------------------------------------------

  private String uri(String key) {
    return "gs://" + bucket + "/" + key;
  }

  private BlobId blobId(String key) {
    return BlobId.of(bucket, key);
  }

  /** Refuses keys that GCS rejects, or that fall in the store's own reserved prefix. */
  static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidKeyException("object key is empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new InvalidKeyException(
          "key '"
              + key.substring(0, Math.min(60, key.length()))
              + "...' is longer than 1024 bytes in UTF-8, the GCS limit for object names");
    }
    if (key.indexOf('\r') >= 0 || key.indexOf('\n') >= 0) {
      throw new InvalidKeyException(
          "key '" + key.replace('\r', '?').replace('\n', '?') + "' contains a line break");
    }
    if (key.equals(".") || key.equals("..")) {
      throw new InvalidKeyException("key '" + key + "' is not a valid GCS object name");
    }
    if (key.startsWith(UPLOADS_PREFIX)) {
      throw new InvalidKeyException(
          "key '"
              + key
              + "' is under "
              + UPLOADS_PREFIX
              + ", which this connector keeps for the parts of multi-part uploads");
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  @Override
  public ListPage list(ListRequest request) {
    List<BlobListOption> options = new ArrayList<>();
    options.add(BlobListOption.prefix(request.prefix()));
    options.add(BlobListOption.pageSize(request.maxKeys()));
    if (request.pageToken() != null) {
      options.add(BlobListOption.pageToken(request.pageToken()));
    }
    if (request.delimiter() != null && !request.delimiter().isEmpty()) {
      options.add(BlobListOption.delimiter(request.delimiter()));
    }
    String what = "listing " + uri(request.prefix());
    Page<Blob> page =
        retrier.call(
            what,
            () -> storage.list(bucket, options.toArray(BlobListOption[]::new)),
            e -> translate(e, what, null, null));
    List<ObjectInfo> objects = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (Blob b : page.getValues()) {
      if (b.getName().startsWith(UPLOADS_PREFIX)) {
        continue;
      }
      if (b.isDirectory()) {
        prefixes.add(b.getName());
      } else {
        objects.add(info(b));
      }
    }
    // GCS returns names in UTF-8 byte order already; sorting keeps the contract with clients
    // (and the in-memory fake used in tests) that do not.
    objects.sort((a, b) -> KeyOrder.compare(a.key(), b.key()));
    prefixes.sort(KeyOrder.COMPARATOR);
    String next = page.getNextPageToken();
    return new ListPage(objects, prefixes, next == null || next.isEmpty() ? null : next);
  }

  @Override
  public ObjectInfo head(String key) {
    checkKey(key);
    String what = "reading the metadata of " + uri(key);
    Blob b = retrier.call(what, () -> storage.get(blobId(key)), e -> translate(e, what, key, null));
    if (b == null) {
      throw notFound(key);
    }
    return info(b);
  }

  /** What GCS reports about an object, as the connector interface describes it. */
  static ObjectInfo info(BlobInfo b) {
    Map<String, String> metadata = new HashMap<>();
    if (b.getMetadata() != null) {
      b.getMetadata()
          .forEach(
              (k, v) -> {
                if (k != null && v != null) {
                  metadata.put(k, v);
                }
              });
    }
    OffsetDateTime updated = b.getUpdateTimeOffsetDateTime();
    if (updated == null) {
      updated = b.getCreateTimeOffsetDateTime();
    }
    return new ObjectInfo(
        b.getName(),
        b.getSize() == null ? 0 : b.getSize(),
        b.getGeneration() == null ? null : Long.toString(b.getGeneration()),
        updated == null ? null : updated.toInstant(),
        md5Hex(b.getMd5()),
        b.getContentType(),
        metadata,
        b.getStorageClass() == null ? null : b.getStorageClass().name());
  }

  /** GCS reports the MD5 in base64; the interface wants lowercase hex. */
  static String md5Hex(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return null;
    }
    try {
      return HexFormat.of().formatHex(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The generation an ETag names. An ETag that is not a generation (one from another store, say)
   * matches no GCS object, which is a failed precondition rather than a malformed request.
   */
  private static long generationOf(String key, String etag) {
    try {
      return Long.parseLong(etag.trim());
    } catch (NumberFormatException e) {
      throw new PreconditionFailedException(
          "object "
              + key
              + " cannot have ETag '"
              + etag
              + "': ETags of GCS objects are generation numbers; list the object again and retry");
    }
  }

  private static String changedSinceListed(String key, String ifMatch) {
    return "object "
        + key
        + " changed since it was listed (its generation is no longer "
        + ifMatch
        + "); list it again and retry";
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    checkKey(key);
    Long generation = ifMatch == null ? null : generationOf(key, ifMatch);
    String what = "reading " + uri(key) + (range == null ? "" : " (" + range.httpHeader() + ")");
    String onPrecondition = ifMatch == null ? null : changedSinceListed(key, ifMatch);
    return retrier.call(
        what,
        () -> openStream(key, range, generation, what),
        e -> translate(e, what, key, onPrecondition));
  }

  /**
   * Opens the object and reads its first bytes, so that a missing object or a failed precondition
   * is reported here rather than by the first read of the stream; the rest streams as it is read.
   */
  private InputStream openStream(String key, ByteRange range, Long generation, String what)
      throws IOException {
    ReadChannel channel =
        generation == null
            ? storage.reader(blobId(key))
            : storage.reader(blobId(key), BlobSourceOption.generationMatch(generation));
    try {
      if (range != null) {
        channel.seek(range.first());
        channel.limit(range.last() + 1);
      }
      int firstSize = range == null ? FIRST_READ : (int) Math.min(FIRST_READ, range.length());
      ByteBuffer first = ByteBuffer.allocate(firstSize);
      int n = 0;
      while (first.position() == 0 && n >= 0) {
        n = channel.read(first);
      }
      first.flip();
      return new GcsInputStream(first, channel, what, key);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The bytes already read while opening, then the rest of the channel. */
  private final class GcsInputStream extends InputStream {
    private final ByteBuffer first;
    private final ReadChannel channel;
    private final InputStream rest;
    private final String what;
    private final String key;

    GcsInputStream(ByteBuffer first, ReadChannel channel, String what, String key) {
      this.first = first;
      this.channel = channel;
      this.rest = Channels.newInputStream(channel);
      this.what = what;
      this.key = key;
    }

    @Override
    public int read() throws IOException {
      if (first.hasRemaining()) {
        return first.get() & 0xff;
      }
      try {
        return rest.read();
      } catch (IOException | RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (first.hasRemaining()) {
        int n = Math.min(len, first.remaining());
        first.get(b, off, n);
        return n;
      }
      try {
        return rest.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        throw failure(e);
      }
    }

    private IOException failure(Exception e) {
      if (e instanceof InterruptedIOException i) {
        return i;
      }
      StoreException translated = translate(e, what, key, null);
      return new IOException(translated.getMessage(), translated);
    }

    @Override
    public void close() {
      channel.close();
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    checkKey(key);
    BlobInfo target = blobInfo(key, options);
    String onPrecondition =
        options.ifNoneMatch()
            ? "object " + key + " already exists and the write asked for If-None-Match: *"
            : null;
    BlobInfo written =
        write(target, content, length, options.ifNoneMatch(), onPrecondition, options);
    return new WriteResult(key, length, Long.toString(written.getGeneration()));
  }

  private BlobInfo blobInfo(String key, PutOptions options) {
    BlobInfo.Builder b = BlobInfo.newBuilder(blobId(key));
    if (options.contentType() != null) {
      b.setContentType(options.contentType());
    }
    if (!options.metadata().isEmpty()) {
      b.setMetadata(new LinkedHashMap<>(options.metadata()));
    }
    return b.build();
  }

  /**
   * Streams {@code content} into a resumable upload and finalizes it only when exactly {@code
   * length} bytes arrived: on a short or long source the upload is left unfinished (GCS discards it
   * after a week) and nothing becomes visible. Not retried here: the stream cannot be replayed, and
   * the client already retries each chunk of the upload.
   */
  private BlobInfo write(
      BlobInfo target,
      InputStream content,
      long length,
      boolean ifNoneMatch,
      String onPrecondition,
      PutOptions options) {
    String key = target.getName();
    String what = "writing " + uri(key);
    MessageDigest md5 = Digests.md5();
    try {
      BlobWriteSession session =
          ifNoneMatch
              ? storage.blobWriteSession(target, BlobWriteOption.doesNotExist())
              : storage.blobWriteSession(target);
      WritableByteChannel channel = session.open();
      byte[] buf = new byte[COPY_BUFFER];
      long total = 0;
      int n;
      while ((n = content.read(buf)) >= 0) {
        total += n;
        if (total > length) {
          break;
        }
        md5.update(buf, 0, n);
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          channel.write(bb);
        }
      }
      if (total != length) {
        throw new StoreException(
            what
                + ": expected "
                + length
                + " bytes but the source gave "
                + (total > length ? "more" : Long.toString(total))
                + "; nothing was written");
      }
      String expected = HexFormat.of().formatHex(md5.digest());
      if (options.md5() != null && !options.md5().equalsIgnoreCase(expected)) {
        throw options.md5Mismatch(uri(key), expected); // the upload is left unfinished
      }
      channel.close();
      BlobInfo result = session.getResult().get();
      String reported = md5Hex(result.getMd5());
      if (reported != null && !reported.equals(expected)) {
        deleteGeneration(key, result.getGeneration());
        throw new TransientStoreException(
            what
                + ": GCS stored MD5 "
                + reported
                + " but the bytes sent have MD5 "
                + expected
                + "; the object was corrupted in transit and has been removed, retry the write");
      }
      return result;
    } catch (ExecutionException e) {
      throw translate(e.getCause() instanceof Exception c ? c : e, what, key, onPrecondition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientStoreException(what + ": interrupted", e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof StoreException se) {
        throw se;
      }
      throw translate(e, what, key, onPrecondition);
    }
  }

  private void deleteGeneration(String key, Long generation) {
    try {
      if (generation != null) {
        storage.delete(blobId(key), BlobSourceOption.generationMatch(generation));
      }
    } catch (RuntimeException e) {
      LOG.warn("could not remove the corrupted object {}: {}", uri(key), e.toString());
    }
  }

  // ---- deleting -----------------------------------------------------------------------------

  @Override
  public void delete(String key) {
    checkKey(key);
    deleteIgnoringMissing(key);
  }

  /** Deletes one object, reserved prefix included; a missing object is not an error. */
  private void deleteIgnoringMissing(String key) {
    String what = "deleting " + uri(key);
    retrier.call(
        what,
        () -> {
          try {
            return storage.delete(blobId(key));
          } catch (StorageException e) {
            if (e.getCode() == 404) {
              return false;
            }
            throw e;
          }
        },
        e -> translate(e, what, key, null));
  }

  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    Map<String, String> failed = new LinkedHashMap<>();
    List<String> valid = new ArrayList<>();
    for (String key : keys) {
      try {
        checkKey(key);
        valid.add(key);
      } catch (StoreException e) {
        failed.put(key, e.getMessage());
      }
    }
    int deleted = 0;
    for (int i = 0; i < valid.size(); i += MAX_BATCH_SIZE) {
      deleted += deleteBatch(valid.subList(i, Math.min(valid.size(), i + MAX_BATCH_SIZE)), failed);
    }
    return new BatchDeleteResult(deleted, failed);
  }

  /**
   * Deletes up to {@value #MAX_BATCH_SIZE} objects in one batch request; keys the batch could not
   * delete (or all of them, when the endpoint has no batch API) are deleted one by one, with
   * retries.
   */
  private int deleteBatch(List<String> keys, Map<String, String> failed) {
    List<String> retry = new ArrayList<>();
    int deleted = 0;
    try {
      StorageBatch batch = storage.batch();
      Map<String, StorageBatchResult<Boolean>> results = new LinkedHashMap<>();
      for (String key : keys) {
        results.put(key, batch.delete(blobId(key)));
      }
      Map<String, Boolean> outcome = new HashMap<>();
      for (var e : results.entrySet()) {
        e.getValue()
            .notify(
                new com.google.cloud.BatchResult.Callback<Boolean, StorageException>() {
                  @Override
                  public void success(Boolean result) {
                    outcome.put(e.getKey(), true);
                  }

                  @Override
                  public void error(StorageException exception) {
                    outcome.put(e.getKey(), exception.getCode() == 404);
                  }
                });
      }
      batch.submit();
      for (String key : keys) {
        if (Boolean.TRUE.equals(outcome.get(key))) {
          deleted++;
        } else {
          retry.add(key);
        }
      }
    } catch (UnsupportedOperationException | StorageException e) {
      LOG.debug("batch delete unavailable on {} ({}); deleting one by one", host(), e.toString());
      retry.clear();
      retry.addAll(keys);
      deleted = 0;
    }
    for (String key : retry) {
      try {
        deleteIgnoringMissing(key);
        deleted++;
      } catch (StoreException e) {
        failed.put(key, e.getMessage());
      }
    }
    return deleted;
  }

  // ---- server-side copy ---------------------------------------------------------------------

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.of(this);
  }

  /**
   * Another bucket reached through the same GCS endpoint: the rewrite API copies between any two
   * buckets the target's credentials can read and write.
   */
  @Override
  public boolean canCopyFrom(ObjectStore source) {
    return source instanceof GcsObjectStore other && other.host().equals(host());
  }

  @Override
  public long maxCopySize() {
    return MAX_OBJECT_SIZE;
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
              + uri(targetKey)
              + " needs a GCS source on the same endpoint ("
              + host()
              + "); copy through the client instead");
    }
    GcsObjectStore src = (GcsObjectStore) source;
    checkKey(sourceKey);
    checkKey(targetKey);
    String what = "copying " + src.uri(sourceKey) + " to " + uri(targetKey);
    ObjectInfo srcInfo = src.head(sourceKey);
    if (ifMatch != null && !ifMatch.equals(srcInfo.etag())) {
      throw new PreconditionFailedException(changedSinceListed(sourceKey, ifMatch));
    }
    // Pin the copy to the generation whose content type and metadata were just read.
    long generation = generationOf(sourceKey, srcInfo.etag());
    Map<String, String> metadata = new LinkedHashMap<>(srcInfo.metadata());
    if (extraMetadata != null) {
      metadata.putAll(extraMetadata);
    }
    BlobInfo.Builder target = BlobInfo.newBuilder(blobId(targetKey));
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
        changedSinceListed(sourceKey, ifMatch != null ? ifMatch : Long.toString(generation));
    Blob copied =
        retrier.call(
            what,
            () -> {
              CopyWriter writer = storage.copy(request);
              return writer.getResult();
            },
            e -> translate(e, what, sourceKey, onPrecondition));
    return new WriteResult(
        targetKey,
        copied.getSize() == null ? srcInfo.size() : copied.getSize(),
        Long.toString(copied.getGeneration()));
  }

  // ---- multi-part ---------------------------------------------------------------------------

  @Override
  public Optional<MultipartUploads> multipart() {
    return Optional.of(this);
  }

  private static final PartLimits PART_LIMITS = new PartLimits(1, 5L << 30, 10_000);

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  private static String uploadDir(String uploadId) {
    if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
      throw new InvalidKeyException("'" + uploadId + "' is not an upload id of the GCS connector");
    }
    return UPLOADS_PREFIX + uploadId + "/";
  }

  private static String keyHash(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String partName(UploadHandle upload, String name) {
    return uploadDir(upload.uploadId()) + keyHash(upload.key()) + "/" + name;
  }

  @Override
  public UploadHandle begin(String key, PutOptions options) {
    checkKey(key);
    UploadHandle h = new UploadHandle(key, UUID.randomUUID().toString(), options);
    Map<String, Object> desc = new LinkedHashMap<>();
    desc.put("key", key);
    desc.put("contentType", options.contentType());
    desc.put("metadata", options.metadata());
    desc.put("ifNoneMatch", options.ifNoneMatch());
    String what = "starting an upload of " + uri(key);
    try {
      byte[] json = JSON.writeValueAsBytes(desc);
      BlobInfo info =
          BlobInfo.newBuilder(blobId(uploadDir(h.uploadId()) + DESCRIPTOR))
              .setContentType("application/json")
              .build();
      // The same resumable upload as every other write (an emulator we test on rejects the
      // client's one-request multipart upload); a new upload id cannot collide, so retrying the
      // whole write is safe.
      retrier.call(
          what,
          () ->
              write(
                  info,
                  new ByteArrayInputStream(json),
                  json.length,
                  false,
                  null,
                  PutOptions.DEFAULT),
          e -> translate(e, what, key, null));
      return h;
    } catch (IOException e) {
      throw new StoreException(what + ": cannot encode the upload descriptor: " + e, e);
    }
  }

  private void requireUpload(UploadHandle upload, String what) {
    String descriptor = uploadDir(upload.uploadId()) + DESCRIPTOR;
    Blob d =
        retrier.call(
            what, () -> storage.get(blobId(descriptor)), e -> translate(e, what, null, null));
    if (d == null) {
      throw new ObjectNotFoundException(
          "upload "
              + upload.uploadId()
              + " of "
              + uri(upload.key())
              + " does not exist (completed or aborted already?)");
    }
  }

  private static void checkPartNumber(int partNumber) {
    if (partNumber < 1 || partNumber > 10_000) {
      throw new IllegalArgumentException("part number must be in 1..10000, got " + partNumber);
    }
  }

  @Override
  public CompletedPart uploadPart(
      UploadHandle upload, int partNumber, InputStream content, long length) {
    checkPartNumber(partNumber);
    if (length > PART_LIMITS.maxPartSize()) {
      throw new IllegalArgumentException(
          "part " + partNumber + " of " + upload.key() + " is larger than 5 GiB");
    }
    requireUpload(upload, "uploading part " + partNumber + " of " + uri(upload.key()));
    String name = partName(upload, String.format("%05d", partNumber));
    BlobInfo part =
        write(
            BlobInfo.newBuilder(blobId(name)).build(),
            content,
            length,
            false,
            null,
            PutOptions.DEFAULT);
    return new CompletedPart(partNumber, Long.toString(part.getGeneration()), length);
  }

  /** GCS has no ranged server-side copy (rewrite copies whole objects only). */
  @Override
  public boolean canCopyPartFrom(ObjectStore source) {
    return false;
  }

  @Override
  public CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch) {
    throw new UnsupportedOperationException(
        "GCS cannot copy a byte range server-side (rewrite and compose take whole objects);"
            + " read the range of "
            + sourceKey
            + " and upload it with uploadPart instead");
  }

  @Override
  public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
    String key = upload.key();
    checkKey(key);
    String what = "completing the upload of " + uri(key);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(what + ": an upload needs at least one part");
    }
    requireUpload(upload, what);
    List<CompletedPart> ordered = new ArrayList<>(parts);
    ordered.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
    long size = 0;
    List<Source> sources = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      CompletedPart p = ordered.get(i);
      if (i > 0 && ordered.get(i - 1).partNumber() == p.partNumber()) {
        throw new IllegalArgumentException(
            what + ": part " + p.partNumber() + " is listed more than once");
      }
      size += p.size();
      sources.add(
          new Source(partName(upload, String.format("%05d", p.partNumber())), parseLong(p.etag())));
    }
    // GCS composes at most 32 objects at a time: fold the parts into intermediate objects
    // until 32 or fewer remain.
    int round = 0;
    while (sources.size() > MAX_COMPOSE_SOURCES) {
      round++;
      List<Source> next = new ArrayList<>();
      for (int i = 0; i < sources.size(); i += MAX_COMPOSE_SOURCES) {
        List<Source> group = sources.subList(i, Math.min(sources.size(), i + MAX_COMPOSE_SOURCES));
        String name = partName(upload, String.format("compose-%d-%05d", round, i));
        Blob b = compose(group, BlobInfo.newBuilder(blobId(name)).build(), false, what, key);
        next.add(new Source(name, b.getGeneration()));
      }
      sources = next;
    }
    Blob result =
        compose(
            sources, blobInfo(key, upload.options()), upload.options().ifNoneMatch(), what, key);
    if (result.getSize() != null && result.getSize() != size) {
      throw new StoreException(
          what
              + ": the parts add up to "
              + size
              + " bytes but the composed object has "
              + result.getSize()
              + "; upload the parts again");
    }
    try {
      deleteUploadObjects(upload.uploadId());
    } catch (StoreException e) {
      // The object is complete; leftovers stay listed as pending until an abort removes them.
      LOG.warn("{}: done, but its temporary objects remain: {}", what, e.getMessage());
    }
    return new WriteResult(key, size, Long.toString(result.getGeneration()));
  }

  /** A source of a compose request: a part (or intermediate object) at a known generation. */
  private record Source(String name, Long generation) {}

  private static Long parseLong(String s) {
    try {
      return s == null ? null : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private Blob compose(
      List<Source> sources, BlobInfo target, boolean ifNoneMatch, String what, String key) {
    ComposeRequest.Builder b = ComposeRequest.newBuilder().setTarget(target);
    for (Source s : sources) {
      if (s.generation() == null) {
        b.addSource(s.name());
      } else {
        b.addSource(s.name(), s.generation());
      }
    }
    if (ifNoneMatch) {
      b.setTargetOptions(BlobTargetOption.doesNotExist());
    }
    ComposeRequest request = b.build();
    Function<Exception, StoreException> translateCompose =
        e -> {
          StoreException t =
              translate(
                  e,
                  what,
                  key,
                  ifNoneMatch
                      ? "object "
                          + key
                          + " already exists (the upload asked for If-None-Match: *), or a part"
                          + " was uploaded again after it was reported"
                      : what
                          + ": a part was uploaded again after it was reported; complete the"
                          + " upload with the parts' latest ETags");
          if (t instanceof ObjectNotFoundException) {
            return new ObjectNotFoundException(
                what + ": a part is missing (aborted, or never uploaded); upload it again", t);
          }
          return t;
        };
    Blob result;
    if (ifNoneMatch) {
      // Not retried: after a lost response, a retry would fail its own precondition.
      try {
        result = storage.compose(request);
      } catch (RuntimeException e) {
        throw e instanceof StoreException se ? se : translateCompose.apply(e);
      }
    } else {
      result = retrier.call(what, () -> storage.compose(request), translateCompose);
    }
    if (result == null || result.getGeneration() == null) {
      throw new StoreException(
          what
              + ": the compose request returned no object; the endpoint "
              + host()
              + " does not implement compose");
    }
    return result;
  }

  @Override
  public void abort(UploadHandle upload) {
    deleteUploadObjects(upload.uploadId());
  }

  /** Deletes the parts, intermediates and (last, so a failure leaves it pending) descriptor. */
  private void deleteUploadObjects(String uploadId) {
    String dir = uploadDir(uploadId);
    List<String> names = new ArrayList<>();
    String token = null;
    do {
      List<BlobListOption> options = new ArrayList<>();
      options.add(BlobListOption.prefix(dir));
      if (token != null) {
        options.add(BlobListOption.pageToken(token));
      }
      String what = "listing the parts of upload " + uploadId;
      Page<Blob> page =
          retrier.call(
              what,
              () -> storage.list(bucket, options.toArray(BlobListOption[]::new)),
              e -> translate(e, what, null, null));
      for (Blob b : page.getValues()) {
        names.add(b.getName());
      }
      String next = page.getNextPageToken();
      token = next == null || next.isEmpty() || next.equals(token) ? null : next;
    } while (token != null);
    String descriptor = dir + DESCRIPTOR;
    names.remove(descriptor);
    Map<String, String> failed = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i += MAX_BATCH_SIZE) {
      deleteBatch(names.subList(i, Math.min(names.size(), i + MAX_BATCH_SIZE)), failed);
    }
    if (!failed.isEmpty()) {
      throw new StoreException(
          "could not delete "
              + failed.size()
              + " temporary objects of upload "
              + uploadId
              + " under "
              + uri(dir)
              + " (first: "
              + failed.values().iterator().next()
              + "); abort the upload again to retry");
    }
    deleteIgnoringMissing(descriptor);
  }

  @Override
  public List<UploadHandle> listPending(String prefix) {
    String wanted = prefix == null ? "" : prefix;
    List<UploadHandle> pending = new ArrayList<>();
    String token = null;
    do {
      List<BlobListOption> options = new ArrayList<>();
      options.add(BlobListOption.prefix(UPLOADS_PREFIX));
      options.add(BlobListOption.delimiter("/"));
      if (token != null) {
        options.add(BlobListOption.pageToken(token));
      }
      String what = "listing pending uploads in " + uri(UPLOADS_PREFIX);
      Page<Blob> page =
          retrier.call(
              what,
              () -> storage.list(bucket, options.toArray(BlobListOption[]::new)),
              e -> translate(e, what, null, null));
      for (Blob b : page.getValues()) {
        if (!b.isDirectory()) {
          continue;
        }
        String uploadId = b.getName().substring(UPLOADS_PREFIX.length()).replace("/", "");
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
          continue;
        }
        UploadHandle h = readDescriptor(uploadId);
        if (h != null && h.key().startsWith(wanted)) {
          pending.add(h);
        }
      }
      String next = page.getNextPageToken();
      token = next == null || next.isEmpty() || next.equals(token) ? null : next;
    } while (token != null);
    return pending;
  }

  /** The upload a descriptor describes, or null when it is gone (completed or aborted). */
  private UploadHandle readDescriptor(String uploadId) {
    String name = uploadDir(uploadId) + DESCRIPTOR;
    String what = "reading " + uri(name);
    byte[] json;
    try {
      json =
          retrier.call(
              what, () -> storage.readAllBytes(blobId(name)), e -> translate(e, what, name, null));
    } catch (ObjectNotFoundException e) {
      return null;
    }
    try {
      Map<?, ?> d = JSON.readValue(json, Map.class);
      Map<String, String> metadata = new LinkedHashMap<>();
      if (d.get("metadata") instanceof Map<?, ?> m) {
        m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
      }
      return new UploadHandle(
          (String) d.get("key"),
          uploadId,
          new PutOptions(
              (String) d.get("contentType"),
              metadata,
              Boolean.TRUE.equals(d.get("ifNoneMatch")),
              null));
    } catch (IOException | ClassCastException e) {
      LOG.warn("ignoring the unreadable upload descriptor {}: {}", uri(name), e.toString());
      return null;
    }
  }

  // ---- errors -------------------------------------------------------------------------------

  private ObjectNotFoundException notFound(String key) {
    return new ObjectNotFoundException("object " + key + " does not exist in gs://" + bucket);
  }

  /**
   * A store error for a failed client call, by HTTP status.
   *
   * @param what the operation, naming the object ("reading gs://b/k")
   * @param key the object concerned, or null for bucket-level calls
   * @param onPrecondition the message for a failed precondition (412), or null for a generic one
   */
  StoreException translate(Exception e, String what, String key, String onPrecondition) {
    if (e instanceof StoreException se) {
      return se;
    }
    StorageException se = find(e, StorageException.class);
    int code = se == null ? 0 : se.getCode();
    String reason = reason(se != null ? se : e);
    Throwable cause = safeCause(e);
    if (find(e, FileAlreadyExistsException.class) != null) {
      // The in-memory fake of the client (LocalStorageHelper) reports a failed ifGenerationMatch=0
      // this way; GCS itself answers 412.
      code = 412;
    }
    switch (code) {
      case 404 -> {
        if (key == null) {
          return new ObjectNotFoundException(
              what + ": bucket gs://" + bucket + " does not exist; check the bucket name", cause);
        }
        return new ObjectNotFoundException(
            "object " + key + " does not exist in gs://" + bucket + " (" + what + ")", cause);
      }
      case 412 -> {
        return new PreconditionFailedException(
            onPrecondition != null
                ? onPrecondition
                : what + ": a precondition failed (the object changed meanwhile); retry",
            cause);
      }
      case 401 -> {
        return new AccessDeniedException(
            what + ": Google Cloud Storage rejected the credentials (401); " + credentialHint,
            cause);
      }
      case 403 -> {
        return new AccessDeniedException(
            what
                + ": permission denied (403: "
                + reason
                + "); the account needs roles/storage.objectAdmin (or objectViewer to read) on"
                + " gs://"
                + bucket
                + ", and a requester-pays bucket needs project-id; "
                + credentialHint,
            cause);
      }
      case 429, 503 -> {
        return new ThrottledException(what + ": GCS is throttling (" + code + ")", cause);
      }
      case 408, 500, 502, 504 -> {
        return new TransientStoreException(
            what + ": GCS failed (" + code + ": " + reason + ")", cause);
      }
      case 416 -> {
        return new StoreException(what + ": the range starts beyond the end of the object", cause);
      }
      default -> {
        if (code >= 500) {
          return new TransientStoreException(
              what + ": GCS failed (" + code + ": " + reason + ")", cause);
        }
        if (code <= 0 && find(e, IOException.class) != null) {
          return new TransientStoreException(
              what + ": could not reach GCS at " + host() + " (" + reason + ")", cause);
        }
        return new StoreException(
            what + " failed" + (code > 0 ? " (" + code + ")" : "") + ": " + reason, cause);
      }
    }
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  /** The first line of a client message (GCS errors carry the whole HTTP exchange), masked. */
  private static String reason(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl).strip();
    }
    if (m.length() > 200) {
      m = m.substring(0, 200) + "...";
    }
    return redact(m);
  }

  /** {@link Redactor#redact} plus Google's own credential shapes. */
  static String redact(String text) {
    if (text == null) {
      return null;
    }
    return Redactor.redact(
        GOOGLE_SECRETS
            .matcher(text)
            .replaceAll(
                m -> Matcher.quoteReplacement((m.group(1) != null ? m.group(1) : "") + "****")));
  }

  /**
   * The cause to attach: the client's exception, unless some message in its chain holds a Google
   * credential that {@link Redactor} would not mask; then a stand-in with the masked message.
   */
  private static Throwable safeCause(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage();
      if (m != null && GOOGLE_SECRETS.matcher(m).find()) {
        StoreException standIn = new StoreException(c.getClass().getName() + ": " + redact(m));
        standIn.setStackTrace(c.getStackTrace());
        return standIn;
      }
    }
    return e;
  }

  @Override
  public void close() {
    if (ownsClient) {
      try {
        storage.close();
      } catch (Exception e) {
        LOG.debug("closing the GCS client: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "GcsObjectStore[gs://" + bucket + " via " + host() + "]";
  }
}
