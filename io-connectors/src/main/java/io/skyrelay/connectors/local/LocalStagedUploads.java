package io.skyrelay.connectors.local;

import static io.skyrelay.connectors.local.LocalMetadata.JSON;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Multi-part assembly on local disk: each upload is a folder under {@code .skyrelay/uploads} named
 * by its id, holding {@code upload.json} (key, content type, metadata) and one file per part;
 * completing concatenates the parts into a temporary file that the store moves into place like any
 * other write.
 */
final class LocalStagedUploads implements MultipartUploads {

  private static final PartLimits PART_LIMITS = new PartLimits(1, 5L << 30, 10_000);

  private final LocalObjectStore store;
  private final Path uploads;

  LocalStagedUploads(LocalObjectStore store, Path uploads) {
    this.store = store;
    this.uploads = uploads;
  }

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  @Override
  public UploadHandle begin(String key, PutOptions options) {
    store.fileOf(key);
    UploadHandle h = new UploadHandle(key, UUID.randomUUID().toString(), options);
    try {
      Path dir = Files.createDirectories(uploads.resolve(h.uploadId()));
      Map<String, Object> desc = new LinkedHashMap<>();
      desc.put("key", key);
      desc.put("contentType", options.contentType());
      desc.put("metadata", options.metadata());
      JSON.writeValue(dir.resolve("upload.json").toFile(), desc);
      return h;
    } catch (IOException e) {
      throw LocalObjectStore.translate("starting an upload of " + key, e);
    }
  }

  private Path uploadDir(UploadHandle upload) {
    if (!upload.uploadId().matches("[0-9a-f-]{36}")) {
      throw new InvalidKeyException(
          "'" + upload.uploadId() + "' is not an upload id of this store");
    }
    Path dir = uploads.resolve(upload.uploadId());
    if (!Files.isDirectory(dir)) {
      throw new ObjectNotFoundException(
          "upload "
              + upload.uploadId()
              + " of "
              + upload.key()
              + " does not exist (completed or aborted already?)");
    }
    return dir;
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
    Path dir = uploadDir(upload);
    Path t = store.tmp().resolve(UUID.randomUUID().toString());
    try {
      MessageDigest md5 = Digests.md5();
      long written;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(t), md5)) {
        written = LocalObjectStore.copy(content, out, length);
      }
      if (written != length) {
        throw new StoreException(
            "part "
                + partNumber
                + " of "
                + upload.key()
                + ": expected "
                + length
                + " bytes but the source gave "
                + written);
      }
      Files.move(
          t,
          dir.resolve(Integer.toString(partNumber)),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return new CompletedPart(partNumber, HexFormat.of().formatHex(md5.digest()), written);
    } catch (IOException e) {
      throw LocalObjectStore.translate(
          "uploading part " + partNumber + " of " + upload.key(), e, store.rootFolder());
    } finally {
      LocalObjectStore.deleteQuietly(t);
    }
  }

  @Override
  public boolean canCopyPartFrom(ObjectStore source) {
    return source instanceof LocalObjectStore;
  }

  @Override
  public CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch) {
    try (InputStream in = source.read(sourceKey, range, ifMatch)) {
      return uploadPart(upload, partNumber, in, range.length());
    } catch (IOException e) {
      throw LocalObjectStore.translate(
          "copying part " + partNumber + " from " + sourceKey, e, store.rootFolder());
    }
  }

  @Override
  public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
    Path dir = uploadDir(upload);
    Path file = store.fileOf(upload.key());
    Path t = store.tmp().resolve(UUID.randomUUID().toString());
    List<CompletedPart> ordered = new ArrayList<>(parts);
    ordered.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
    try {
      MessageDigest md5 = Digests.md5();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(t), md5)) {
        for (CompletedPart p : ordered) {
          Path part = dir.resolve(Integer.toString(p.partNumber()));
          if (!Files.isRegularFile(part) || Files.size(part) != p.size()) {
            throw new StoreException(
                "part "
                    + p.partNumber()
                    + " of "
                    + upload.key()
                    + " is missing or incomplete;"
                    + " upload it again before completing");
          }
          Files.copy(part, out);
        }
      }
      WriteResult r =
          store.commit(
              upload.key(), file, t, HexFormat.of().formatHex(md5.digest()), upload.options());
      LocalObjectStore.deleteTree(dir);
      return r;
    } catch (IOException e) {
      throw LocalObjectStore.translate(
          "completing the upload of " + upload.key(), e, store.rootFolder());
    } finally {
      LocalObjectStore.deleteQuietly(t);
    }
  }

  @Override
  public void abort(UploadHandle upload) {
    Path dir = uploads.resolve(upload.uploadId()).normalize();
    if (dir.startsWith(uploads) && !dir.equals(uploads)) {
      LocalObjectStore.deleteTree(dir);
    }
  }

  @Override
  public List<UploadHandle> listPending(String prefix) {
    List<UploadHandle> pending = new ArrayList<>();
    if (!Files.isDirectory(uploads)) {
      return pending;
    }
    try (Stream<Path> dirs = Files.list(uploads)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Path desc = dir.resolve("upload.json");
        if (!Files.isRegularFile(desc)) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> d = JSON.readValue(desc.toFile(), Map.class);
        String key = (String) d.get("key");
        if (key.startsWith(prefix)) {
          @SuppressWarnings("unchecked")
          Map<String, String> md = (Map<String, String>) d.get("metadata");
          pending.add(
              new UploadHandle(
                  key,
                  dir.getFileName().toString(),
                  PutOptions.of((String) d.get("contentType"), md)));
        }
      }
    } catch (IOException e) {
      throw LocalObjectStore.translate("listing pending uploads", e);
    }
    return pending;
  }
}
