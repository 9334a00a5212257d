package io.skyrelay.connectors.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest {

  @TempDir Path root;

  @Test
  void writesSucceedWhileDeletesOfTheirNeighboursRemoveTheFolder() throws Exception {
    // Deleting a folder's last object removes the folder: a write into that folder at the same
    // moment must make it again rather than fail (relays stage and delete units this way).
    LocalObjectStore store = new LocalObjectStore(root);
    int threads = 4;
    int rounds = 300;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  byte[] data = ("thread " + id).getBytes(StandardCharsets.UTF_8);
                  for (int i = 0; i < rounds; i++) {
                    String key = "staging/d/objects/k" + id + "-" + i;
                    store.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
                    store.delete(key);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(); // a write that lost its folder fails here
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), store.listAllToList(""));
  }

  @Test
  void keysThatWouldEscapeTheRootAreRefused() {
    LocalObjectStore store = new LocalObjectStore(root.resolve("store"));
    for (String key : List.of("../outside", "a/../../outside", "/etc/passwd", "a/./b", "a//b")) {
      InvalidKeyException e =
          assertThrows(
              InvalidKeyException.class,
              () -> store.put(key, new ByteArrayInputStream(new byte[1]), 1, PutOptions.DEFAULT),
              key);
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
    assertThrows(InvalidKeyException.class, () -> store.head(".skyrelay/meta/x"));
    assertFalse(Files.exists(root.resolve("outside")));
  }

  @Test
  void keysWithControlCharactersOrDriveLettersAreRefusedWithWhatIsWrongAndBackslashesStayInside()
      throws IOException {
    LocalObjectStore store = new LocalObjectStore(root.resolve("store"));
    InvalidKeyException drive =
        assertThrows(
            InvalidKeyException.class,
            () -> store.put("C:\\x", new ByteArrayInputStream(new byte[1]), 1, PutOptions.DEFAULT));
    assertTrue(drive.getMessage().contains("absolute"), drive.getMessage());
    // A backslash is part of one file name, inside the root: '..\\outside' is not a way out.
    for (String key : List.of("..\\outside", "a\\b.txt")) {
      store.put(key, new ByteArrayInputStream(new byte[] {7}), 1, PutOptions.DEFAULT);
      assertTrue(Files.isRegularFile(root.resolve("store").resolve(key)), key);
      store.delete(key);
    }
    for (String key : List.of("bell\u0007.txt", "new\nline", "esc\u001b[31m", "del\u007f")) {
      InvalidKeyException e =
          assertThrows(
              InvalidKeyException.class,
              () -> store.put(key, new ByteArrayInputStream(new byte[1]), 1, PutOptions.DEFAULT),
              key);
      assertTrue(e.getMessage().contains("control character U+00"), e.getMessage());
      assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
    }
    assertEquals(List.of(), store.listAllToList(""));
    try (var files = Files.list(root)) {
      assertEquals(
          List.of(),
          files.filter(f -> !f.equals(root.resolve("store"))).toList(),
          "nothing outside the store");
    }
  }

  @Test
  void namesThatAreBothObjectAndFolderAreRefusedAndNewFoldersAreMade() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    byte[] one = {1};
    store.put("a", new ByteArrayInputStream(one), 1, PutOptions.DEFAULT);
    store.put("d/e/f/g", new ByteArrayInputStream(one), 1, PutOptions.DEFAULT);
    assertEquals(1, store.head("d/e/f/g").size(), "missing folders are made");

    InvalidKeyException under =
        assertThrows(
            InvalidKeyException.class,
            () -> store.put("a/b", new ByteArrayInputStream(one), 1, PutOptions.DEFAULT));
    assertTrue(under.getMessage().contains("a is an object"), under.getMessage());
    for (PutOptions options : List.of(PutOptions.DEFAULT, PutOptions.DEFAULT.withIfNoneMatch())) {
      InvalidKeyException over =
          assertThrows(
              InvalidKeyException.class,
              () -> store.put("d/e", new ByteArrayInputStream(one), 1, options));
      assertTrue(over.getMessage().contains("objects exist under d/e/"), over.getMessage());
    }
    assertThrows(
        io.skyrelay.connectors.PreconditionFailedException.class,
        () ->
            store.put("a", new ByteArrayInputStream(one), 1, PutOptions.DEFAULT.withIfNoneMatch()));
    store.put("new", new ByteArrayInputStream(one), 1, PutOptions.DEFAULT.withIfNoneMatch());
    assertEquals(List.of(), temporaryFiles(root), "no temporary file is left behind");
  }

  @Test
  void aFailedWriteLeavesTheOldObjectWhole() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    byte[] old = "old content".getBytes(StandardCharsets.UTF_8);
    store.put("k", new ByteArrayInputStream(old), old.length, PutOptions.DEFAULT);
    InputStream failing =
        new InputStream() {
          int n;

          @Override
          public int read() throws IOException {
            if (n++ > 1000) {
              throw new IOException("source connection reset");
            }
            return 'x';
          }
        };
    assertThrows(StoreException.class, () -> store.put("k", failing, 5000, PutOptions.DEFAULT));
    try (InputStream in = store.read("k", null, null)) {
      assertArrayEquals(old, in.readAllBytes());
    }
    assertEquals(List.of(), temporaryFiles(root), "temporary files are cleaned up");
  }

  @Test
  void metadataTravelsWithTheFileAndFilesKeepTheirNames() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    store.put(
        "dir/a file.txt",
        new ByteArrayInputStream(data),
        5,
        PutOptions.of("text/plain", Map.of("k", "v")));
    Path file = root.resolve("dir/a file.txt");
    assertArrayEquals(data, Files.readAllBytes(file));
    Path sidecar = root.resolve(".skyrelay/meta/dir/a file.txt");
    if (store.keepsMetadataInAttributes()) {
      var view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
      assertTrue(view.list().contains(LocalMetadata.ATTRIBUTE), "metadata is on the file");
      assertFalse(Files.exists(sidecar), "no second file per object");
    } else {
      assertTrue(Files.isRegularFile(sidecar));
    }
    ObjectInfo info = store.head("dir/a file.txt");
    assertEquals(Map.of("k", "v"), info.metadata());
    assertEquals("text/plain", info.contentType());
    assertEquals("5d41402abc4b2a76b9719d911017c592", info.md5());
  }

  @Test
  void objectsWhoseMetadataIsInASidecarAreReadAndRewrittenCleanly() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    Path file = root.resolve("old/k");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "hello");
    long mtime = Files.getLastModifiedTime(file).toMillis();
    Path sidecar = root.resolve(".skyrelay/meta/old/k");
    Files.createDirectories(sidecar.getParent());
    Files.writeString(
        sidecar,
        "{\"contentType\":\"text/plain\",\"metadata\":{\"k\":\"v\"},"
            + "\"md5\":\"5d41402abc4b2a76b9719d911017c592\",\"size\":5,\"mtimeMillis\":"
            + mtime
            + "}");
    ObjectInfo before = store.head("old/k");
    assertEquals(Map.of("k", "v"), before.metadata());
    assertEquals("5d41402abc4b2a76b9719d911017c592", before.etag());

    store.put(
        "old/k",
        new ByteArrayInputStream("hello again".getBytes(StandardCharsets.UTF_8)),
        11,
        PutOptions.of("text/x-new", Map.of("k", "new")));
    ObjectInfo after = store.head("old/k");
    assertEquals(Map.of("k", "new"), after.metadata());
    assertEquals("text/x-new", after.contentType());
    assertEquals(11, after.size());
  }

  @Test
  void metadataTooLargeForTheFileSystemsAttributesStillRoundTrips() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    Map<String, String> big = new HashMap<>();
    for (int i = 0; i < 16; i++) {
      big.put("key-" + i, "v".repeat(1000)); // 16 KB: more than ext4 keeps per file
    }
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    store.put("big", new ByteArrayInputStream(data), 1, PutOptions.of("a/b", big));
    assertEquals(big, store.head("big").metadata());
    assertEquals("9dd4e461268c8034f5c8564e155c67a6", store.listAllToList("").get(0).md5());

    store.put("big", new ByteArrayInputStream(data), 1, PutOptions.of("a/b", Map.of("k", "v")));
    assertEquals(Map.of("k", "v"), store.head("big").metadata(), "the larger metadata is gone");
  }

  @Test
  void filesChangedBehindTheStoresBackGetANewEtag() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    byte[] data = "v1".getBytes(StandardCharsets.UTF_8);
    String etag = store.put("f", new ByteArrayInputStream(data), 2, PutOptions.DEFAULT).etag();
    Files.writeString(root.resolve("f"), "changed by hand");
    assertFalse(etag.equals(store.head("f").etag()));
    assertEquals(null, store.head("f").md5());
  }

  /**
   * Each worker of a job opens the same destination folder, at the same moment. Whether the file
   * system keeps extended attributes is a fact of the folder: every one of them must find the same
   * answer (they once probed one shared folder's attribute, and a worker whose probe collided with
   * another's fell back to a second file per object).
   */
  @Test
  void storesOpenedSideBySideOnOneFolderAllFindTheSameAnswer() throws Exception {
    boolean expected = new LocalObjectStore(root).keepsMetadataInAttributes();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          answers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return new LocalObjectStore(root).keepsMetadataInAttributes();
                  }));
        }
        go.countDown();
        for (Future<Boolean> a : answers) {
          assertEquals(expected, a.get(), "round " + round);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    try (var left = Files.list(root.resolve(".skyrelay/tmp"))) {
      assertEquals(0, left.count(), "the probes left files behind");
    }
  }

  /**
   * The temporary files under a store's {@code .skyrelay/tmp}, in the folders of the processes that
   * write there (their lock files and the probes of extended attributes are not).
   */
  static List<Path> temporaryFiles(Path root) throws IOException {
    try (var walk = Files.walk(root.resolve(".skyrelay/tmp"))) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".lock"))
          .filter(f -> !f.getFileName().toString().startsWith("xattr-probe"))
          .toList();
    }
  }

  /** Every path under {@code dir}, relative to it. */
  private static List<String> tree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /**
   * A folder that is only listed and read (a replication's source) is left exactly as it was: no
   * {@code .skyrelay/} appears in it, so read-only folders, snapshots and other people's data can
   * be sources.
   */
  @Test
  void listingHeadingAndReadingWriteNothing() throws Exception {
    Path folder = root.resolve("data");
    Files.createDirectories(folder.resolve("sub"));
    Files.writeString(folder.resolve("a.txt"), "a");
    Files.writeString(folder.resolve("sub/b.txt"), "bb");
    List<String> before = tree(folder);
    LocalObjectStore store = new LocalObjectStore(folder);
    assertEquals(
        List.of("a.txt", "sub/b.txt"),
        store.listAllToList("").stream().map(ObjectInfo::key).toList());
    assertEquals(2, store.head("sub/b.txt").size());
    try (InputStream in = store.read("a.txt", null, null)) {
      assertEquals("a", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(List.of(), store.multipart().orElseThrow().listPending(""));
    assertEquals(before, tree(folder), "the store wrote into a folder it only read");
  }

  @Test
  void aFileIsRefusedAsAStoreFolder() throws Exception {
    Path file = Files.writeString(root.resolve("report.csv"), "x");
    StoreException e = assertThrows(StoreException.class, () -> new LocalObjectStore(file));
    assertTrue(e.getMessage().contains("is a file, not a folder"), e.getMessage());
  }

  /**
   * A listing under a prefix that names one file walks only the folders that can hold such keys:
   * the other folders' objects are never looked at (a folder of other people's data can be huge).
   */
  @Test
  void aPrefixWithoutSlashListsItsKeysOnly() throws Exception {
    LocalObjectStore store = new LocalObjectStore(root);
    for (String k : List.of("report.csv", "report.csv.bak", "report.csvx/y", "other/z", "r/x")) {
      store.put(k, new ByteArrayInputStream(new byte[] {1}), 1, PutOptions.DEFAULT);
    }
    assertEquals(
        List.of("report.csv", "report.csv.bak", "report.csvx/y"),
        store.listAllToList("report.csv").stream().map(ObjectInfo::key).toList());
  }
}
