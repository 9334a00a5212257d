package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources as users mean them: one object named by its URI, local folders that are only read, and
 * the temporary files of a killed run, on S3Proxy and local disk.
 */
class ReplicateSourcesTest {

  static S3ProxyServer server;
  static int buckets;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static String bucket() {
    String name = "src" + (++buckets) + "-" + System.nanoTime() % 100000;
    server.createBucket(name);
    return name;
  }

  Path stores(String... bucketNames) throws IOException {
    StringBuilder y = new StringBuilder("stores:\n");
    for (String b : bucketNames) {
      y.append("  - uri: s3://")
          .append(b)
          .append("\n    endpoint: ")
          .append(server.endpoint())
          .append("\n    region-name: us-east-1\n    access-key-id: ")
          .append(S3ProxyServer.ACCESS_KEY)
          .append("\n    secret-access-key: ")
          .append(S3ProxyServer.SECRET_KEY)
          .append("\n");
    }
    return Files.writeString(tmp.resolve("stores-" + System.nanoTime() + ".yaml"), y.toString());
  }

  static ObjectStore s3(String bucket) {
    return ObjectStores.open("s3://" + bucket, server.settings());
  }

  static ObjectStore local(Path dir) {
    return ObjectStores.open(dir.toUri().toString(), StoreSettings.EMPTY);
  }

  static void put(ObjectStore store, String key, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    store.put(key, new ByteArrayInputStream(v), v.length, PutOptions.DEFAULT);
  }

  static String text(ObjectStore store, String key) throws IOException {
    try (var in = store.read(key, null, null)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static List<String> keys(ObjectStore store) {
    return store.listAllToList("").stream().map(ObjectInfo::key).sorted().toList();
  }

  int run(String... args) {
    List<String> all = new ArrayList<>(List.of("replicate"));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--runner", "direct", "--output", tmp.resolve("out-" + System.nanoTime()).toString()));
    return SkyrelayCli.commandLine().execute(all.toArray(String[]::new));
  }

  @Test
  void anObjectUriCopiesThatObjectIntoAFolderOrToTheKeyNamed() throws Exception {
    String a = bucket();
    String b = bucket();
    String stores = stores(a, b).toString();
    try (ObjectStore src = s3(a);
        ObjectStore dst = s3(b)) {
      put(src, "data/report.csv", "the report");
      put(src, "data/report.csv.bak", "an older one");
      put(src, "data/other.txt", "other");

      assertEquals(0, run("s3://" + a + "/data/report.csv", "s3://" + b + "/", "--stores", stores));
      assertEquals(List.of("report.csv"), keys(dst), "the object, under its own name");
      assertEquals("the report", text(dst, "report.csv"));

      assertEquals(
          0,
          run(
              "s3://" + a + "/data/report.csv",
              "s3://" + b + "/kept/renamed.csv",
              "--stores",
              stores));
      assertEquals("the report", text(dst, "kept/renamed.csv"), "a DST without / is the key");
      assertEquals(List.of("kept/renamed.csv", "report.csv"), keys(dst));

      // No object is called data: the URI names the folder data/, with or without its slash.
      assertEquals(0, run("s3://" + a + "/data", "s3://" + b + "/folder/", "--stores", stores));
      assertEquals(
          List.of(
              "folder/other.txt",
              "folder/report.csv",
              "folder/report.csv.bak",
              "kept/renamed.csv",
              "report.csv"),
          keys(dst));
    }
  }

  @Test
  void aFileUriCopiesThatFileAndWritesNothingBesideIt() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("report.csv"), "the report");
    Files.writeString(data.resolve("report.csv.bak"), "an older one");
    Path backup = tmp.resolve("backup");
    String b = bucket();
    assertEquals(0, run(data.resolve("report.csv").toUri().toString(), backup.toUri() + "/"));
    assertEquals(
        0,
        run(
            data.resolve("report.csv").toUri().toString(),
            "s3://" + b + "/reports/latest.csv",
            "--stores",
            stores(b).toString()));
    try (ObjectStore dst = local(backup);
        ObjectStore s3 = s3(b)) {
      assertEquals(List.of("report.csv"), keys(dst));
      assertEquals("the report", text(dst, "report.csv"));
      assertEquals(List.of("reports/latest.csv"), keys(s3));
    }
    try (Stream<Path> left = Files.list(data)) {
      assertEquals(
          List.of("report.csv", "report.csv.bak"),
          left.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aReadOnlyFolderIsCopiedAndNeverWritten() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("readonly"));
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("a.txt"), "a");
    Files.writeString(src.resolve("sub/b.txt"), "bb");
    for (Path p : List.of(src.resolve("sub"), src)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    try {
      String b = bucket();
      Path copy = tmp.resolve("copy");
      assertEquals(
          0,
          run(
              src.toUri().toString(),
              copy.toUri().toString(),
              "s3://" + b,
              "--stores",
              stores(b).toString()));
      try (ObjectStore c = local(copy);
          ObjectStore s3 = s3(b)) {
        assertEquals(List.of("a.txt", "sub/b.txt"), keys(c));
        assertEquals(List.of("a.txt", "sub/b.txt"), keys(s3));
      }
      // Run as root, a mode does not stop writes: what counts is that none happened.
      assertFalse(Files.exists(src.resolve(".skyrelay")), "the source was written to");
      try (Stream<Path> all = Files.walk(src)) {
        assertEquals(4, all.count(), "the source has its two folders and two files only");
      }
    } finally {
      for (Path p : List.of(src, src.resolve("sub"))) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  /** Starts a {@link StalledWriter} on {@code store} and returns it once it is writing. */
  static Process stalledWriter(Path store) throws IOException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StalledWriter.class.getName(),
                store.toUri().toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      if (line.equals("writing")) {
        return p;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the writer ended before writing:\n" + seen);
  }

  static List<Path> temporaryFiles(Path store) throws IOException {
    Path tmpDir = store.resolve(".skyrelay/tmp");
    if (!Files.isDirectory(tmpDir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(tmpDir)) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".lock"))
          .toList();
    }
  }

  /**
   * A run killed mid-copy leaves its temporary file in the destination; the next run against that
   * destination removes it and completes the copy, while the temporary file of a writer that is
   * still at work there (another job) stays.
   */
  @Test
  void theNextRunRemovesTheTemporaryFilesOfAKilledRunButNotThoseOfALiveOne() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(src.resolve("f" + i), "value " + i);
    }
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Process killed = stalledWriter(dst);
    List<Path> leftOver = temporaryFiles(dst);
    Process alive = stalledWriter(dst);
    try {
      killed.destroyForcibly().waitFor();
      assertEquals(1, leftOver.size(), "the killed writer's temporary file");
      List<Path> inFlight = new ArrayList<>(temporaryFiles(dst));
      inFlight.removeAll(leftOver);
      assertEquals(1, inFlight.size(), "the live writer's temporary file");

      assertEquals(0, run(src.toUri().toString(), dst.toUri().toString()));

      assertFalse(Files.exists(leftOver.get(0)), "the killed run's temporary file is gone");
      assertTrue(Files.exists(inFlight.get(0)), "a live writer's temporary file was removed");
      try (ObjectStore d = local(dst)) {
        for (int i = 0; i < 5; i++) {
          assertEquals("value " + i, text(d, "f" + i));
        }
        assertEquals(5, keys(d).size());
      }
    } finally {
      alive.destroyForcibly().waitFor();
      killed.destroyForcibly().waitFor();
    }
  }
}
