package io.skyrelay.connectors.local;

import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.BoundedInputStream;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.HashingInputStream;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListPager;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects as files under one root directory. Writes go to a temporary file under {@code
 * .skyrelay/tmp} and are renamed into place, so a reader sees the old object or the new one, never
 * a part. Each object's content type, user metadata and MD5 (its ETag) are kept as JSON in the
 * file's extended attribute {@code user.skyrelay}, set on the temporary file before the rename, so
 * the bytes and their metadata appear together. Where the file system has no user extended
 * attributes, or the metadata is too large for them, the JSON goes to a file at the same relative
 * path under {@code .skyrelay/meta} instead; such files are read too. A file that was changed
 * behind the store's back (its size or modification time no longer match the metadata) gets an ETag
 * derived from its size and modification time, and no MD5.
 */
public final class LocalObjectStore implements ObjectStore {

  /** The store's own folder under the root; keys cannot start with it. */
  public static final String INTERNAL_DIR = ".skyrelay";

  private static final int MAX_NAME_BYTES = 255;

  private final Path root;
  private final Path tmpRoot;
  private final LocalMetadata metadata;
  private final LocalStagedUploads uploads;
  private final LocalCopies copies;

  /** This process's folder for temporary files, made on the first write. */
  private volatile Path tmp;

  /**
   * Opens the folder {@code root}. Nothing is written until the first write: a folder that is only
   * listed and read (a replication's source) is left exactly as it is, and may be read-only.
   */
  public LocalObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
      throw new StoreException(
          this.root + " is a file, not a folder; a file:// store is a folder of objects");
    }
    this.tmpRoot = this.root.resolve(INTERNAL_DIR).resolve("tmp");
    this.metadata = new LocalMetadata(this.root.resolve(INTERNAL_DIR).resolve("meta"), this);
    this.uploads = new LocalStagedUploads(this, this.root.resolve(INTERNAL_DIR).resolve("uploads"));
    this.copies = new LocalCopies(this);
  }

  /** The folder temporary files are made in, on the file system of the objects. */
  Path tmp() {
    Path t = tmp;
    if (t == null) {
      t = LocalTemporaries.folderOf(tmpRoot);
      tmp = t;
    }
    return t;
  }

  /** The store's shared temporary folder, made if missing (for probes that leave nothing). */
  Path tmpRoot() throws IOException {
    ensureFolder(tmpRoot);
    return tmpRoot;
  }

  /**
   * Removes the temporary files that writers which no longer run (killed mid-write) left in this
   * folder; those of writers still at work, in this process or others, stay. Returns how many were
   * removed.
   */
  public int removeStaleTemporaryFiles() {
    return LocalTemporaries.sweep(tmpRoot);
  }

  /** Whether objects' metadata goes to extended attributes rather than sidecar files. */
  boolean keepsMetadataInAttributes() {
    return metadata.inAttributes();
  }

  @Override
  public StoreUri root() {
    return new StoreUri("file", null, root.toString(), "");
  }

  // ---- keys ---------------------------------------------------------------------------------

  /** The file of a key, after refusing keys that could escape the root or that disks reject. */
  Path fileOf(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidKeyException("object key is empty");
    }
    if (key.startsWith("/") || key.startsWith("\\") || key.matches("^[A-Za-z]:.*")) {
      throw new InvalidKeyException(
          "key '" + key + "' is an absolute path; keys must be relative to the store root " + root);
    }
    if (key.indexOf('\0') >= 0) {
      throw new InvalidKeyException("key '" + key.replace('\0', '?') + "' contains a NUL byte");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidKeyException(
            String.format(
                "key '%s' contains the control character U+%04X at %d; local file names may not"
                    + " hold control characters",
                printable(key), (int) c, i));
      }
    }
    // A backslash is an ordinary character of a file name on the disks this store runs on: a key
    // holding one ('..\\x') is one file name inside the root, as S3 allows such keys.
    if (key.endsWith("/")) {
      throw new InvalidKeyException(
          "key '" + key + "' ends with '/'; a local disk cannot hold a file named like a folder");
    }
    for (String part : key.split("/", -1)) {
      if (part.equals("..") || part.equals(".")) {
        throw new InvalidKeyException(
            "key '" + key + "' contains '" + part + "', which would leave the store root " + root);
      }
      if (part.isEmpty()) {
        throw new InvalidKeyException("key '" + key + "' contains an empty path segment ('//')");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw new InvalidKeyException(
            "key '"
                + abbreviate(key)
                + "' has a segment longer than 255 bytes, which local file systems cannot store;"
                + " split it with '/'");
      }
    }
    if (key.equals(INTERNAL_DIR) || key.startsWith(INTERNAL_DIR + "/")) {
      throw new InvalidKeyException(
          "key '"
              + key
              + "' is inside "
              + INTERNAL_DIR
              + "/, which the local store keeps for itself");
    }
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw new InvalidKeyException("key '" + key + "' would leave the store root " + root);
    }
    return file;
  }

  /** The key with control characters shown as {@code ?}, for messages and terminals. */
  private static String printable(String key) {
    StringBuilder out = new StringBuilder(key.length());
    key.chars().forEach(c -> out.append(Character.isISOControl(c) ? '?' : (char) c));
    return out.toString();
  }

  private static String abbreviate(String key) {
    return key.length() <= 80 ? key : key.substring(0, 60) + "...(" + key.length() + " chars)";
  }

  // ---- required operations ------------------------------------------------------------------

  @Override
  public ListPage list(ListRequest request) {
    String prefix = request.prefix();
    int slash = prefix.lastIndexOf('/');
    Path base = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
    // The walk only stats files; the metadata (an attribute or sidecar read per file, the larger
    // cost) is read for the objects on the returned page alone, not for every file under the
    // prefix on every page.
    List<ObjectInfo> all = new ArrayList<>();
    Map<String, Object[]> found = new HashMap<>();
    if (Files.isDirectory(base) && base.normalize().startsWith(root)) {
      Path internal = root.resolve(INTERNAL_DIR);
      try {
        Files.walkFileTree(
            base,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                if (dir.equals(base)) {
                  return FileVisitResult.CONTINUE;
                }
                // Only folders that can hold keys under the prefix are walked: a prefix that
                // names one file does not walk the whole folder around it.
                String folder = toKey(dir) + "/";
                return dir.startsWith(internal)
                        || !(folder.startsWith(prefix) || prefix.startsWith(folder))
                    ? FileVisitResult.SKIP_SUBTREE
                    : FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path p, BasicFileAttributes a) throws IOException {
                String key = toKey(p);
                if (!key.startsWith(prefix)) {
                  return FileVisitResult.CONTINUE;
                }
                if (a.isSymbolicLink()) {
                  try {
                    a = Files.readAttributes(p, BasicFileAttributes.class); // what it points to
                  } catch (NoSuchFileException dangling) {
                    return FileVisitResult.CONTINUE;
                  }
                }
                if (a.isRegularFile()) {
                  all.add(new ObjectInfo(key, a.size(), null, null, null, null, null, null));
                  found.put(key, new Object[] {p, a});
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                  return FileVisitResult.CONTINUE; // deleted while listing: not part of it
                }
                throw e;
              }
            });
      } catch (IOException | UncheckedIOException e) {
        throw translate("listing " + root + "/" + prefix, e);
      }
    }
    ListPage page = ListPager.page(all, request);
    List<ObjectInfo> described = new ArrayList<>(page.objects().size());
    for (ObjectInfo o : page.objects()) {
      Object[] f = found.get(o.key());
      described.add(metadata.info(o.key(), (Path) f[0], (BasicFileAttributes) f[1], false));
    }
    return new ListPage(described, page.commonPrefixes(), page.nextPageToken());
  }

  private String toKey(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  @Override
  public ObjectInfo head(String key) {
    Path file = fileOf(key);
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw notFound(key);
      }
      return metadata.info(key, file, a, true);
    } catch (NoSuchFileException e) {
      throw notFound(key);
    } catch (IOException e) {
      throw translate("reading attributes of " + key, e);
    }
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    Path file = fileOf(key);
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      try {
        if (ifMatch != null) {
          String etag = head(key).etag();
          if (!etag.equals(ifMatch)) {
            throw new PreconditionFailedException(
                "object "
                    + key
                    + " changed since it was listed (ETag "
                    + etag
                    + ", expected "
                    + ifMatch
                    + "); list it again and retry");
          }
        }
        long size = ch.size();
        if (range == null) {
          return Channels.newInputStream(ch);
        }
        if (range.first() >= size) {
          throw new StoreException(
              "range "
                  + range.httpHeader()
                  + " starts beyond the end of "
                  + key
                  + " ("
                  + size
                  + " bytes)");
        }
        ch.position(range.first());
        long length = Math.min(range.length(), size - range.first());
        return BoundedInputStream.of(Channels.newInputStream(ch), length);
      } catch (RuntimeException | IOException e) {
        ch.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw notFound(key);
    } catch (IOException e) {
      throw translate("reading " + key, e);
    }
  }

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    Path file = fileOf(key);
    Path t = tmp().resolve(UUID.randomUUID().toString());
    try {
      // The object's ETag is the MD5 of what is read here; a caller that hashes the same stream
      // shares the digest (HashingInputStream.of) rather than having it computed twice.
      HashingInputStream in = HashingInputStream.of(content);
      long written;
      try (OutputStream out = Files.newOutputStream(t)) {
        written = copy(in, out, length);
      }
      if (written != length) {
        throw new StoreException(
            "writing " + key + ": expected " + length + " bytes but the source gave " + written);
      }
      String md5Hex = in.md5Hex();
      if (options.md5() != null && !options.md5().equalsIgnoreCase(md5Hex)) {
        throw options.md5Mismatch(key, md5Hex);
      }
      WriteResult result = commit(key, file, t, md5Hex, options);
      t = null; // in place
      return result;
    } catch (IOException e) {
      throw translate("writing " + key, e, root);
    } finally {
      if (t != null) {
        deleteQuietly(t);
      }
    }
  }

  /** The largest buffer a write copies through. */
  private static final int COPY_BUFFER = 256 * 1024;

  /**
   * Copies {@code in} to its end, through a buffer sized for the expected {@code length} up to 256
   * KiB: one write call per buffer instead of one per 8 KiB ({@code transferTo}), which matters
   * where system calls are dear (virtual machines).
   */
  static long copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buf = new byte[(int) Math.max(1, Math.min(length, COPY_BUFFER))];
    long total = 0;
    int n;
    while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
      out.write(buf, 0, n);
      total += n;
    }
    return total;
  }

  /**
   * Moves a complete temporary file into place and records its metadata; the temporary file is gone
   * when this returns normally.
   */
  WriteResult commit(String key, Path file, Path t, String md5Hex, PutOptions options)
      throws IOException {
    BasicFileAttributes written = Files.readAttributes(t, BasicFileAttributes.class);
    long size = written.size();
    long mtime = written.lastModifiedTime().toMillis();
    byte[] json =
        new LocalMetadata.Sidecar(options.contentType(), options.metadata(), md5Hex, size, mtime)
            .toJson();
    // Set before the rename, the attribute becomes visible with the bytes (setting it changes the
    // file's ctime, not the modification time the metadata records).
    boolean inAttribute = metadata.writeAttribute(t, json);
    try {
      place(key, file, t, options.ifNoneMatch());
    } catch (FileSystemException e) {
      if (options.ifNoneMatch() && e instanceof FileAlreadyExistsException) {
        createParents(key, file); // a folder of that name is not an object that exists
        throw new PreconditionFailedException(
            "object " + key + " already exists and the write asked for If-None-Match: *");
      }
      // Most writes go to a folder that exists: its parents are only looked at when the rename
      // fails (a missing folder, or a name on the way that is an object or a folder).
      placeInNewFolder(key, file, t, options.ifNoneMatch());
    }
    metadata.placed(key, json, inAttribute);
    return new WriteResult(key, size, md5Hex);
  }

  /** Times a write makes its folder again when a delete of the folder's last object removed it. */
  private static final int FOLDER_ATTEMPTS = 8;

  /**
   * Creates the folders of {@code file} and places {@code t} there. A delete of the last object of
   * a folder removes the folder, so another thread can remove a folder between its creation here
   * and the rename into it, or a folder on the way while its subfolders are being created: it is
   * created again, a bounded number of times.
   */
  private void placeInNewFolder(String key, Path file, Path t, boolean ifNoneMatch)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        // Creating the folders races with the same deletes: a parent made here can be gone
        // before its child folder is.
        createParents(key, file);
        place(key, file, t, ifNoneMatch);
        return;
      } catch (NoSuchFileException e) {
        if (attempt == FOLDER_ATTEMPTS || !Files.exists(t)) {
          throw e;
        }
      }
    }
  }

  /** Renames or, for a create-if-absent, links {@code t} to {@code file}. */
  private static void place(String key, Path file, Path t, boolean ifNoneMatch) throws IOException {
    if (ifNoneMatch) {
      Files.createLink(file, t); // link(2) fails if the name exists: an atomic create-if-absent
      deleteQuietly(t);
    } else {
      Files.move(t, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * {@link Files#createDirectories} where the folder is missing. On a folder that exists it throws
   * and catches an exception on the way (a stack trace per object written), and most writes go to a
   * folder that is already there.
   */
  static void ensureFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
    }
  }

  private void createParents(String key, Path file) throws IOException {
    try {
      ensureFolder(file.getParent());
    } catch (FileAlreadyExistsException e) {
      if (!Files.isRegularFile(Path.of(e.getFile()), LinkOption.NOFOLLOW_LINKS)) {
        // A folder removed by a concurrent delete while it was being made: not an object.
        throw new NoSuchFileException(e.getFile());
      }
      throw new InvalidKeyException(
          "cannot write "
              + key
              + ": "
              + root.relativize(Path.of(e.getFile()))
              + " is an object, and a local disk cannot also use it as a folder");
    }
    if (Files.isDirectory(file)) {
      throw new InvalidKeyException(
          "cannot write " + key + ": objects exist under " + key + "/ and it is a folder on disk");
    }
  }

  @Override
  public void delete(String key) {
    Path file = fileOf(key);
    try {
      Files.deleteIfExists(file);
      pruneEmptyParents(file.getParent(), root);
      metadata.delete(key);
    } catch (IOException e) {
      throw translate("deleting " + key, e);
    }
  }

  static void pruneEmptyParents(Path dir, Path stop) {
    while (dir != null && dir.startsWith(stop) && !dir.equals(stop)) {
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      } catch (IOException e) {
        return; // leaving an empty folder behind is harmless
      }
      dir = dir.getParent();
    }
  }

  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    Map<String, String> failed = new HashMap<>();
    int deleted = 0;
    for (String key : keys) {
      try {
        delete(key);
        deleted++;
      } catch (StoreException e) {
        failed.put(key, e.getMessage());
      }
    }
    return new BatchDeleteResult(deleted, failed);
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

  // ---- helpers ------------------------------------------------------------------------------

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a temporary file left behind is removed by a sweep once its process has ended
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(LocalObjectStore::deleteQuietly);
    } catch (IOException ignored) {
      // best effort: leftovers are only space
    }
  }

  private ObjectNotFoundException notFound(String key) {
    return new ObjectNotFoundException("object " + key + " does not exist under " + root);
  }

  static StoreException translate(String what, Exception e) {
    return translate(what, e, null);
  }

  /**
   * The store exception for {@code e}, raised while doing {@code what} in the store whose folder is
   * {@code folder} (named when its file system is full).
   */
  static StoreException translate(String what, Exception e, Path folder) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (folder != null && diskFull(cause)) {
      return new StoreException(
          what
              + ": the file system of "
              + folder
              + " is full (No space left on device); nothing partial was left in it. Free"
              + " space there, or choose another destination, and run again",
          cause);
    }
    if (cause instanceof AccessDeniedException) {
      return new io.skyrelay.connectors.AccessDeniedException(
          what
              + ": permission denied on "
              + ((AccessDeniedException) cause).getFile()
              + "; check the folder's owner and mode",
          cause);
    }
    if (cause instanceof NoSuchFileException) {
      return new ObjectNotFoundException(
          what + ": " + cause.getMessage() + " does not exist", cause);
    }
    return new StoreException(what + " failed: " + cause, cause);
  }

  /** The folder of the store's objects. */
  Path rootFolder() {
    return root;
  }

  /** Whether {@code e} (or a cause) says the file system has no space left. */
  static boolean diskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {}
}
