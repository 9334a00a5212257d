package io.skyrelay.connectors.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a local store remembers of each object besides its bytes (content type, user metadata, MD5,
 * and the size and modification time they describe): as JSON in the file's extended attribute
 * {@code user.skyrelay} where the file system keeps them, else in a sidecar file at the same
 * relative path under {@code .skyrelay/meta}. Sidecars are read in both cases, so objects written
 * where attributes failed (too much metadata) are still described.
 */
final class LocalMetadata {

  /** The extended attribute ({@code user.skyrelay}) that holds an object's metadata. */
  static final String ATTRIBUTE = "skyrelay";

  /** The largest attribute value read in one call; larger ones are sized first. */
  private static final int ATTRIBUTE_READ = 4096;

  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(ATTRIBUTE_READ));

  static final ObjectMapper JSON = new ObjectMapper();

  private final Path meta;
  private final LocalObjectStore store;

  /**
   * Whether the file system under the root keeps user extended attributes; found out on the first
   * write, since finding out writes a file and a store that is only read must write nothing.
   */
  private volatile Boolean attributes;

  /**
   * @param meta the folder of sidecar files
   * @param store the store, whose temporary folder is on the same file system as the objects
   */
  LocalMetadata(Path meta, LocalObjectStore store) {
    this.meta = meta;
    this.store = store;
  }

  /**
   * Whether an extended attribute can be set on a file in {@code dir}: ext4, XFS, Btrfs and most
   * others keep them; some file systems (older tmpfs, FAT, some network mounts) do not. The probe
   * is a file of its own: the workers of a job open the same folder at the same moment, and probes
   * of one shared file would undo each other.
   */
  private static boolean attributesWork(LocalObjectStore store) {
    Path probe;
    try {
      probe = Files.createTempFile(store.tmpRoot(), "xattr-probe-", ".tmp");
    } catch (IOException e) {
      return false;
    }
    try {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
      if (view == null) {
        return false;
      }
      view.write(ATTRIBUTE, ByteBuffer.wrap(new byte[] {'{', '}'}));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      LocalObjectStore.deleteQuietly(probe);
    }
  }

  /** Whether objects' metadata goes to extended attributes rather than sidecar files. */
  boolean inAttributes() {
    Boolean a = attributes;
    if (a == null) {
      a = attributesWork(store);
      attributes = a;
    }
    return a;
  }

  Path sidecarOf(String key) {
    return meta.resolve(key);
  }

  /** What the store remembers of an object besides its bytes. */
  record Sidecar(
      String contentType, Map<String, String> metadata, String md5, long size, long mtimeMillis) {

    byte[] toJson() throws IOException {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("contentType", contentType);
      map.put("metadata", metadata);
      map.put("md5", md5);
      map.put("size", size);
      map.put("mtimeMillis", mtimeMillis);
      return JSON.writeValueAsBytes(map);
    }

    /** The metadata in {@code json}, or {@code null} when it is not readable as such. */
    static Sidecar fromJson(byte[] json, int length) {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.readValue(json, 0, length, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, String> md = (Map<String, String>) map.getOrDefault("metadata", Map.of());
        return new Sidecar(
            (String) map.get("contentType"),
            md,
            (String) map.get("md5"),
            ((Number) map.get("size")).longValue(),
            ((Number) map.get("mtimeMillis")).longValue());
      } catch (IOException | RuntimeException e) {
        return null; // unreadable metadata is treated as absent: the object is still listed
      }
    }
  }

  /**
   * The object in {@code file} as listings and heads report it: with the metadata it was written
   * with while its size and modification time still match them; otherwise (changed behind the
   * store's back) with an ETag derived from its size and modification time, and no MD5.
   */
  ObjectInfo info(String key, Path file, BasicFileAttributes attrs, boolean withMeta) {
    long size = attrs.size();
    long mtime = attrs.lastModifiedTime().toMillis();
    Sidecar s = read(key, file);
    boolean valid = s != null && s.size() == size && s.mtimeMillis() == mtime;
    String etag = valid ? s.md5() : Long.toHexString(mtime) + "-" + Long.toHexString(size);
    return new ObjectInfo(
        key,
        size,
        etag,
        attrs.lastModifiedTime().toInstant(),
        valid ? s.md5() : null,
        valid ? s.contentType() : null,
        valid && withMeta ? s.metadata() : Map.of(),
        null);
  }

  /** The metadata of the object in {@code file}: its extended attribute, else its sidecar. */
  private Sidecar read(String key, Path file) {
    // Tried whether or not writes here use attributes: reading must not write (see attributes).
    Sidecar s = readAttribute(file);
    return s != null ? s : readSidecar(key);
  }

  private static Sidecar readAttribute(Path file) {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    try {
      // one buffer per thread: a listing reads one attribute per object
      ByteBuffer buf = READ_BUFFER.get().clear();
      try {
        view.read(ATTRIBUTE, buf);
      } catch (IOException tooSmallOrAbsent) {
        int size = view.size(ATTRIBUTE); // throws when the attribute is absent
        if (size <= ATTRIBUTE_READ) {
          return null;
        }
        buf = ByteBuffer.allocate(size);
        view.read(ATTRIBUTE, buf);
      }
      return Sidecar.fromJson(buf.array(), buf.position());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Sets the metadata as {@code file}'s extended attribute; {@code false} when the file system
   * refuses it (no attributes, or more metadata than it keeps per file).
   */
  boolean writeAttribute(Path file, byte[] json) {
    if (!inAttributes()) {
      return false;
    }
    try {
      Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
          .write(ATTRIBUTE, ByteBuffer.wrap(json));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Records the metadata of an object just placed at {@code key}: where it went into the file's
   * attribute, removes the sidecar an earlier write may have left (it would be stale); otherwise
   * writes the sidecar.
   */
  void placed(String key, byte[] json, boolean inAttribute) throws IOException {
    if (inAttribute) {
      Files.deleteIfExists(sidecarOf(key));
    } else {
      writeSidecar(key, json);
    }
  }

  private Sidecar readSidecar(String key) {
    Path m = sidecarOf(key);
    try {
      if (!Files.isRegularFile(m)) {
        return null;
      }
      byte[] json = Files.readAllBytes(m);
      return Sidecar.fromJson(json, json.length);
    } catch (IOException | RuntimeException e) {
      return null; // an unreadable sidecar is treated as absent: the object is still listed
    }
  }

  private void writeSidecar(String key, byte[] json) throws IOException {
    Path t = store.tmp().resolve(UUID.randomUUID() + ".json");
    Files.write(t, json);
    Path m = sidecarOf(key);
    LocalObjectStore.ensureFolder(m.getParent());
    Files.move(t, m, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Deletes the sidecar of {@code key}, if any, and the folders it leaves empty. */
  void delete(String key) throws IOException {
    Files.deleteIfExists(sidecarOf(key));
    LocalObjectStore.pruneEmptyParents(sidecarOf(key).getParent(), meta);
  }
}
