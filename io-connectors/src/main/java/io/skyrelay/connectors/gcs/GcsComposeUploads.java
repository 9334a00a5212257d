package io.skyrelay.connectors.gcs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage.ComposeRequest;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-part uploads of one GCS bucket, built from compose: each part is a temporary object named
 * {@code .skyrelay-uploads/<uploadId>/<key-hash>/<part>}, next to a small descriptor {@code
 * .skyrelay-uploads/<uploadId>/upload.json} that records the target key and its options, so that
 * {@link #listPending} can find unfinished uploads. {@link #complete} composes the parts (in rounds
 * of at most 32, the GCS limit) into the target and deletes the temporary objects; the composite
 * object has no MD5.
 */
final class GcsComposeUploads implements MultipartUploads {

  private static final Logger LOG = LoggerFactory.getLogger(GcsComposeUploads.class);

  /** GCS compose accepts at most this many source objects in one request. */
  static final int MAX_COMPOSE_SOURCES = 32;

  private static final String DESCRIPTOR = "upload.json";
  private static final Pattern UPLOAD_ID =
      Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PartLimits PART_LIMITS = new PartLimits(1, 5L << 30, 10_000);

  private final GcsObjectStore store;
  private final Storage storage;
  private final String bucket;
  private final Retrier retrier;
  private final GcsErrors errors;

  GcsComposeUploads(
      GcsObjectStore store, Storage storage, String bucket, Retrier retrier, GcsErrors errors) {
    this.store = store;
    this.storage = storage;
    this.bucket = bucket;
    this.retrier = retrier;
    this.errors = errors;
  }

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  private static String uploadDir(String uploadId) {
    if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
      throw new InvalidKeyException("'" + uploadId + "' is not an upload id of the GCS connector");
    }
    return GcsObjectStore.UPLOADS_PREFIX + uploadId + "/";
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
    GcsObjectStore.checkKey(key);
    UploadHandle h = new UploadHandle(key, UUID.randomUUID().toString(), options);
    Map<String, Object> desc = new LinkedHashMap<>();
    desc.put("key", key);
    desc.put("contentType", options.contentType());
    desc.put("metadata", options.metadata());
    desc.put("ifNoneMatch", options.ifNoneMatch());
    String what = "starting an upload of " + store.uri(key);
    try {
      byte[] json = JSON.writeValueAsBytes(desc);
      BlobInfo info =
          BlobInfo.newBuilder(store.blobId(uploadDir(h.uploadId()) + DESCRIPTOR))
              .setContentType("application/json")
              .build();
      // The same resumable upload as every other write (an emulator we test on rejects the
      // client's one-request multipart upload); a new upload id cannot collide, so retrying the
      // whole write is safe.
      retrier.call(
          what,
          () ->
              store.write(
                  info,
                  new ByteArrayInputStream(json),
                  json.length,
                  false,
                  null,
                  PutOptions.DEFAULT),
          e -> errors.translate(e, what, key, null));
      return h;
    } catch (IOException e) {
      throw new StoreException(what + ": cannot encode the upload descriptor: " + e, e);
    }
  }

  private void requireUpload(UploadHandle upload, String what) {
    String descriptor = uploadDir(upload.uploadId()) + DESCRIPTOR;
    Blob d =
        retrier.call(
            what,
            () -> storage.get(store.blobId(descriptor)),
            e -> errors.translate(e, what, null, null));
    if (d == null) {
      throw new ObjectNotFoundException(
          "upload "
              + upload.uploadId()
              + " of "
              + store.uri(upload.key())
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
    requireUpload(upload, "uploading part " + partNumber + " of " + store.uri(upload.key()));
    String name = partName(upload, String.format("%05d", partNumber));
    BlobInfo part =
        store.write(
            BlobInfo.newBuilder(store.blobId(name)).build(),
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
    GcsObjectStore.checkKey(key);
    String what = "completing the upload of " + store.uri(key);
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
        Blob b = compose(group, BlobInfo.newBuilder(store.blobId(name)).build(), false, what, key);
        next.add(new Source(name, b.getGeneration()));
      }
      sources = next;
    }
    Blob result =
        compose(
            sources,
            store.blobInfo(key, upload.options()),
            upload.options().ifNoneMatch(),
            what,
            key);
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
              errors.translate(
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
              + store.host()
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
              e -> errors.translate(e, what, null, null));
      for (Blob b : page.getValues()) {
        names.add(b.getName());
      }
      String next = page.getNextPageToken();
      token = next == null || next.isEmpty() || next.equals(token) ? null : next;
    } while (token != null);
    String descriptor = dir + DESCRIPTOR;
    names.remove(descriptor);
    Map<String, String> failed = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i += GcsObjectStore.MAX_BATCH_SIZE) {
      store.deleteBatch(
          names.subList(i, Math.min(names.size(), i + GcsObjectStore.MAX_BATCH_SIZE)), failed);
    }
    if (!failed.isEmpty()) {
      throw new StoreException(
          "could not delete "
              + failed.size()
              + " temporary objects of upload "
              + uploadId
              + " under "
              + store.uri(dir)
              + " (first: "
              + failed.values().iterator().next()
              + "); abort the upload again to retry");
    }
    store.deleteIgnoringMissing(descriptor);
  }

  @Override
  public List<UploadHandle> listPending(String prefix) {
    String wanted = prefix == null ? "" : prefix;
    List<UploadHandle> pending = new ArrayList<>();
    String token = null;
    do {
      List<BlobListOption> options = new ArrayList<>();
      options.add(BlobListOption.prefix(GcsObjectStore.UPLOADS_PREFIX));
      options.add(BlobListOption.delimiter("/"));
      if (token != null) {
        options.add(BlobListOption.pageToken(token));
      }
      String what = "listing pending uploads in " + store.uri(GcsObjectStore.UPLOADS_PREFIX);
      Page<Blob> page =
          retrier.call(
              what,
              () -> storage.list(bucket, options.toArray(BlobListOption[]::new)),
              e -> errors.translate(e, what, null, null));
      for (Blob b : page.getValues()) {
        if (!b.isDirectory()) {
          continue;
        }
        String uploadId =
            b.getName().substring(GcsObjectStore.UPLOADS_PREFIX.length()).replace("/", "");
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
    String what = "reading " + store.uri(name);
    byte[] json;
    try {
      json =
          retrier.call(
              what,
              () -> storage.readAllBytes(store.blobId(name)),
              e -> errors.translate(e, what, name, null));
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
      LOG.warn("ignoring the unreadable upload descriptor {}: {}", store.uri(name), e.toString());
      return null;
    }
  }
}
