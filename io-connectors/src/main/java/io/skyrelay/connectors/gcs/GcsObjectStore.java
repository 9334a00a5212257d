package io.skyrelay.connectors.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import com.google.cloud.storage.StorageBatch;
import com.google.cloud.storage.StorageBatchResult;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageException;
import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ConditionalDelete;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.KeyOrder;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Google Cloud Storage bucket, through the official {@link Storage} client (JSON API).
 *
 * <p>The ETag of an object is its generation as a decimal string: GCS gives every write of an
 * object a new generation, and conditional requests ({@code ifGenerationMatch}) are built on it, so
 * If-Match and If-None-Match map onto them exactly. The MD5 is the one GCS reports; composite
 * objects (made by multi-part uploads) have none.
 *
 * <p>Multi-part uploads ({@link GcsComposeUploads}) are built from compose of temporary objects
 * under {@value #UPLOADS_PREFIX}. That prefix is reserved: keys cannot start with it and {@link
 * #list} leaves it out, although a listing of the bucket root still pays for reading past those
 * objects. Server-side copies ({@link GcsCopies}) use the rewrite API; failures are translated by
 * {@link GcsErrors}.
 */
public final class GcsObjectStore implements ObjectStore {

  private static final Logger LOG = LoggerFactory.getLogger(GcsObjectStore.class);

  /** Where temporary objects of multi-part uploads live; reserved, and hidden from listings. */
  public static final String UPLOADS_PREFIX = ".skyrelay-uploads/";

  /** GCS batch requests carry at most this many calls. */
  static final int MAX_BATCH_SIZE = 100;

  static final long MAX_OBJECT_SIZE = 5L << 40;
  private static final int MAX_KEY_BYTES = 1024;
  private static final int COPY_BUFFER = 256 << 10;
  private static final int FIRST_READ = 64 << 10;
  private final Storage storage;
  private final String bucket;
  private final boolean ownsClient;
  private final StorageClass storageClass;
  private final Retrier retrier;
  private final GcsErrors errors;
  private final GcsComposeUploads uploads;
  private final GcsCopies copies;

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
    this(storage, bucket, credentialHint, ownsClient, retrier, null);
  }

  /**
   * @param storageClass the storage class of every object written, or null for the bucket's default
   */
  GcsObjectStore(
      Storage storage,
      String bucket,
      String credentialHint,
      boolean ownsClient,
      Retrier retrier,
      StorageClass storageClass) {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("bucket is required");
    }
    this.storage = storage;
    this.bucket = bucket;
    this.ownsClient = ownsClient;
    this.retrier = retrier;
    this.storageClass = storageClass;
    this.errors = new GcsErrors(bucket, credentialHint, this::host);
    this.uploads = new GcsComposeUploads(this, storage, bucket, retrier, errors);
    this.copies = new GcsCopies(this, storage, retrier, errors);
  }

  /** The storage class of the objects this store writes, or null for the bucket's default. */
  StorageClass storageClass() {
    return storageClass;
  }

  /** The translation of this bucket's client errors. */
  GcsErrors errors() {
    return errors;
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

  String uri(String key) {
    return "gs://" + bucket + "/" + key;
  }

  BlobId blobId(String key) {
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
            e -> errors.translate(e, what, null, null));
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
    Blob b =
        retrier.call(
            what, () -> storage.get(blobId(key)), e -> errors.translate(e, what, key, null));
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
  static long generationOf(String key, String etag) {
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

  static String changedSinceListed(String key, String ifMatch) {
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
        e -> errors.translate(e, what, key, onPrecondition));
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
      StoreException translated = errors.translate(e, what, key, null);
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

  BlobInfo blobInfo(String key, PutOptions options) {
    BlobInfo.Builder b = BlobInfo.newBuilder(blobId(key)).setStorageClass(storageClass);
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
  BlobInfo write(
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
      throw errors.translate(
          e.getCause() instanceof Exception c ? c : e, what, key, onPrecondition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientStoreException(what + ": interrupted", e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof StoreException se) {
        throw se;
      }
      throw errors.translate(e, what, key, onPrecondition);
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

  /** A delete with ifGenerationMatch: an ETag here is the generation. */
  @Override
  public Optional<ConditionalDelete> conditionalDelete() {
    return Optional.of(
        (key, etag) -> {
          checkKey(key);
          long generation = generationOf(key, etag);
          String what = "deleting " + uri(key) + " if its generation is " + generation;
          retrier.call(
              what,
              () -> {
                try {
                  return storage.delete(blobId(key), BlobSourceOption.generationMatch(generation));
                } catch (StorageException e) {
                  if (e.getCode() == 404) {
                    return false;
                  }
                  throw e;
                }
              },
              e -> errors.translate(e, what, key, null));
        });
  }

  /** Deletes one object, reserved prefix included; a missing object is not an error. */
  void deleteIgnoringMissing(String key) {
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
        e -> errors.translate(e, what, key, null));
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
  int deleteBatch(List<String> keys, Map<String, String> failed) {
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

  // ---- optional abilities ------------------------------------------------------------------

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.of(copies);
  }

  @Override
  public Optional<MultipartUploads> multipart() {
    return Optional.of(uploads);
  }

  // ---- errors -------------------------------------------------------------------------------

  private ObjectNotFoundException notFound(String key) {
    return new ObjectNotFoundException("object " + key + " does not exist in gs://" + bucket);
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
