package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay replicate} end to end on real servers (two S3Proxy endpoints) and local disk, on
 * the DirectRunner and on Flink's embedded MiniCluster.
 */
class ReplicateCommandTest {

  static S3ProxyServer east;
  static S3ProxyServer west;
  static int bucketCounter;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    east = S3ProxyServer.startInMemory();
    west = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stop() throws Exception {
    east.close();
    west.close();
  }

  /** A fresh bucket on {@code server}. */
  static String bucket(S3ProxyServer server) {
    String name = "b" + (++bucketCounter) + "-" + System.nanoTime() % 100000;
    server.createBucket(name);
    return name;
  }

  /** A stores file mapping each bucket to its server. */
  Path stores(Map<String, S3ProxyServer> buckets) throws IOException {
    StringBuilder y = new StringBuilder("stores:\n");
    buckets.forEach(
        (bucket, server) ->
            y.append("  - uri: s3://")
                .append(bucket)
                .append("\n    region: ")
                .append(server == east ? "aws:us-east-1" : "aws:eu-west-1")
                .append("\n    endpoint: ")
                .append(server.endpoint())
                .append("\n    region-name: us-east-1\n    access-key-id: ")
                .append(S3ProxyServer.ACCESS_KEY)
                .append("\n    secret-access-key: ${env:SKYRELAY_TEST_SECRET}\n"));
    Path f = tmp.resolve("stores-" + System.nanoTime() + ".yaml");
    Files.writeString(
        f, y.toString().replace("${env:SKYRELAY_TEST_SECRET}", S3ProxyServer.SECRET_KEY));
    return f;
  }

  static ObjectStore open(String uri, S3ProxyServer server) {
    return ObjectStores.open(uri, server == null ? StoreSettings.EMPTY : server.settings());
  }

  static Map<String, byte[]> fill(ObjectStore store, String prefix, int n, int large, long seed) {
    Map<String, byte[]> written = new TreeMap<>();
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      byte[] data = new byte[1 + r.nextInt(20_000)];
      r.nextBytes(data);
      String key = prefix + "dir" + (i % 4) + "/obj-" + i + ".bin";
      store.put(
          key,
          new ByteArrayInputStream(data),
          data.length,
          PutOptions.of("application/x-test", Map.of("i", "" + i)));
      written.put(key.substring(prefix.length()), data);
    }
    for (int i = 0; i < large; i++) {
      byte[] data = new byte[(12 << 20) + 333 * i];
      r.nextBytes(data);
      String key = prefix + "large/blob-" + i;
      store.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
      written.put(key.substring(prefix.length()), data);
    }
    return written;
  }

  static byte[] read(ObjectStore s, String key) {
    try (InputStream in = s.read(key, null, null)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  static void assertSameObjects(Map<String, byte[]> expected, ObjectStore store, String prefix) {
    List<String> keys = new ArrayList<>();
    store.listAll(prefix).forEach(o -> keys.add(o.key().substring(prefix.length())));
    assertEquals(new ArrayList<>(expected.keySet()), keys.stream().sorted().toList());
    expected.forEach((k, v) -> assertArrayEquals(v, read(store, prefix + k), k));
  }

  int run(String... args) {
    return SkyrelayCli.commandLine().execute(args);
  }

  JsonNode report(Path out) throws IOException {
    return new ObjectMapper().readTree(out.resolve("report.json").toFile());
  }

  @Test
  void s3ToS3AcrossEndpointsOnEmbeddedFlinkThenASecondRunCopiesNothing() throws Exception {
    String a = bucket(east);
    String b = bucket(west);
    Map<String, byte[]> data;
    try (ObjectStore src = open("s3://" + a, east)) {
      data = fill(src, "data/", 60, 2, 1);
    }
    Path stores = stores(Map.of(a, east, b, west));
    Path out1 = tmp.resolve("run1");
    int code =
        run(
            "replicate",
            "s3://" + a + "/data/",
            "s3://" + b + "/copy/",
            "--stores",
            stores.toString(),
            "--chunk-size",
            "5MiB",
            "--output",
            out1.toString());
    assertEquals(0, code);
    try (ObjectStore dst = open("s3://" + b, west)) {
      assertSameObjects(data, dst, "copy/");
      ObjectInfo head = dst.head("copy/dir1/obj-1.bin");
      assertEquals("application/x-test", head.contentType());
      assertEquals("1", head.metadata().get("i"));
      assertTrue(head.metadata().containsKey("skyrelay-source-etag"));
      assertEquals(List.of(), dst.multipart().orElseThrow().listPending(""));
    }
    JsonNode r1 = report(out1);
    assertEquals(62, r1.get("copied").asLong());
    assertEquals(0, r1.get("failed").asLong());

    Path out2 = tmp.resolve("run2");
    assertEquals(
        0,
        run(
            "replicate",
            "s3://" + a + "/data/",
            "s3://" + b + "/copy/",
            "--stores",
            stores.toString(),
            "--output",
            out2.toString(),
            "--runner",
            "direct"));
    JsonNode r2 = report(out2);
    assertEquals(0, r2.get("copied").asLong(), "an in-sync pair copies nothing");
    assertEquals(62, r2.get("skipped").asLong());
  }

  @Test
  void withinOneEndpointObjectsLargerThanAChunkAreCopiedWholeServerSide() throws Exception {
    String a = bucket(east);
    String b = bucket(east);
    Map<String, byte[]> data;
    try (ObjectStore src = open("s3://" + a, east)) {
      data = fill(src, "", 3, 2, 11);
    }
    Path out = tmp.resolve("same-endpoint");
    int code =
        run(
            "replicate",
            "s3://" + a,
            "s3://" + b,
            "--stores",
            stores(Map.of(a, east, b, east)).toString(),
            "--chunk-size",
            "5MiB",
            "--output",
            out.toString());
    assertEquals(0, code);
    try (ObjectStore src = open("s3://" + a, east);
        ObjectStore dst = open("s3://" + b, east)) {
      assertSameObjects(data, dst, "");
      for (String key : List.of("large/blob-0", "large/blob-1")) {
        // One CopyObject keeps the single-part ETag; a multi-part assembly would end in "-N".
        assertEquals(src.head(key).etag(), dst.head(key).etag(), key);
      }
      assertEquals(List.of(), dst.multipart().orElseThrow().listPending(""));
    }
    assertEquals(5, report(out).get("copied").asLong());
  }

  @Test
  void fanOutFromS3ToLocalDiskAndAnotherEndpointWithTrickyKeys() throws Exception {
    String a = bucket(east);
    String b = bucket(west);
    Map<String, byte[]> data = new TreeMap<>();
    List<String> keys =
        List.of(
            "with space.txt",
            "plus+sign",
            "percent%41",
            "caf\u00e9/\u65e5\u672c.txt",
            "deep/a/b/c/d.txt");
    try (ObjectStore src = open("s3://" + a, east)) {
      for (String k : keys) {
        byte[] v = ("value of " + k).getBytes(StandardCharsets.UTF_8);
        src.put(k, new ByteArrayInputStream(v), v.length, PutOptions.DEFAULT);
        data.put(k, v);
      }
    }
    Path disk = tmp.resolve("disk replica");
    int code =
        run(
            "replicate",
            "s3://" + a,
            disk.toUri().toString(),
            "s3://" + b + "/fan/",
            "--stores",
            stores(Map.of(a, east, b, west)).toString(),
            "--runner",
            "direct",
            "--output",
            tmp.resolve("out").toString());
    assertEquals(0, code);
    try (ObjectStore local = ObjectStores.open(disk.toUri().toString(), StoreSettings.EMPTY);
        ObjectStore dst = open("s3://" + b, west)) {
      assertSameObjects(data, local, "");
      assertSameObjects(data, dst, "fan/");
    }
    assertEquals(10, report(tmp.resolve("out")).get("copied").asLong());
  }

  @Test
  void localDiskToS3AndBack() throws Exception {
    Path dir = tmp.resolve("src");
    Map<String, byte[]> data;
    try (ObjectStore local = ObjectStores.open(dir.toUri().toString(), StoreSettings.EMPTY)) {
      data = fill(local, "", 30, 1, 7);
    }
    String b = bucket(east);
    Path stores = stores(Map.of(b, east));
    assertEquals(
        0,
        run(
            "replicate",
            dir.toUri().toString(),
            "s3://" + b + "/x/",
            "--stores",
            stores.toString(),
            "--runner",
            "direct",
            "--chunk-size",
            "5MiB",
            "--output",
            tmp.resolve("o1").toString()));
    Path back = tmp.resolve("back");
    assertEquals(
        0,
        run(
            "replicate",
            "s3://" + b + "/x/",
            back.toUri().toString(),
            "--stores",
            stores.toString(),
            "--runner",
            "direct",
            "--chunk-size",
            "5MiB",
            "--output",
            tmp.resolve("o2").toString()));
    try (ObjectStore local = ObjectStores.open(back.toUri().toString(), StoreSettings.EMPTY)) {
      assertSameObjects(data, local, "");
    }
  }

  @Test
  void deleteIsRefusedAboveMaxDeleteAndDoneWithinIt() throws Exception {
    Path src = tmp.resolve("s");
    Path dst = tmp.resolve("d");
    try (ObjectStore s = ObjectStores.open(src.toUri().toString(), StoreSettings.EMPTY);
        ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
      fill(s, "", 5, 0, 3);
      fill(d, "", 5, 0, 3);
      for (int i = 0; i < 4; i++) {
        d.put("stale/" + i, new ByteArrayInputStream(new byte[] {1}), 1, PutOptions.DEFAULT);
      }
      int refused =
          run(
              "replicate",
              src.toUri().toString(),
              dst.toUri().toString(),
              "--delete",
              "--max-delete",
              "3",
              "--runner",
              "direct",
              "--output",
              tmp.resolve("o1").toString());
      assertEquals(ExitStatus.PARTIAL, refused, "refused deletes give exit status 1");
      assertEquals(9, d.listAllToList("").size(), "nothing was deleted");
      JsonNode r = report(tmp.resolve("o1"));
      assertEquals(4, r.get("deleteRefused").asLong());
      assertTrue(r.get("failures").get(0).get("error").asText().contains("--max-delete=3"));

      assertEquals(
          0,
          run(
              "replicate",
              src.toUri().toString(),
              dst.toUri().toString(),
              "--delete",
              "--max-delete",
              "4",
              "--runner",
              "direct",
              "--output",
              tmp.resolve("o2").toString()));
      assertEquals(5, d.listAllToList("").size());
      assertEquals(4, report(tmp.resolve("o2")).get("deleted").asLong());
    }
  }

  @Test
  void dryRunReportsThePlanAndChangesNothing() throws Exception {
    Path src = tmp.resolve("s");
    Path dst = tmp.resolve("d");
    try (ObjectStore s = ObjectStores.open(src.toUri().toString(), StoreSettings.EMPTY);
        ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
      fill(s, "", 6, 0, 5);
      d.put("extra", new ByteArrayInputStream(new byte[] {1}), 1, PutOptions.DEFAULT);
      assertEquals(
          0,
          run(
              "replicate",
              src.toUri().toString(),
              dst.toUri().toString(),
              "--delete",
              "--dry-run",
              "--runner",
              "direct",
              "--output",
              tmp.resolve("o").toString()));
      assertEquals(List.of("extra"), d.listAllToList("").stream().map(ObjectInfo::key).toList());
      JsonNode r = report(tmp.resolve("o"));
      assertTrue(r.get("dryRun").asBoolean());
      assertEquals(6, r.get("copied").asLong(), "planned copies");
      assertEquals(1, r.get("deleted").asLong(), "planned deletes");
    }
  }

  @Test
  void anObjectChangedAfterListingIsReportedAndNeverWrittenTorn() throws Exception {
    String a = bucket(east);
    String b = bucket(east);
    Path stores = stores(Map.of(a, east, b, east));
    Path manifest = tmp.resolve("manifest.avro");
    try (ObjectStore src = open("s3://" + a, east);
        ObjectStore dst = open("s3://" + b, east)) {
      fill(src, "", 3, 1, 9);
      // Dry run: lists the source into a manifest without copying.
      assertEquals(
          0,
          run(
              "replicate",
              "s3://" + a,
              "s3://" + b,
              "--stores",
              stores.toString(),
              "--dry-run",
              "--manifest-out",
              manifest.toString(),
              "--runner",
              "direct",
              "--output",
              tmp.resolve("o0").toString()));
      // The objects change after they were listed, before they are copied.
      byte[] newer = new byte[(12 << 20)];
      new Random(99).nextBytes(newer);
      src.put("large/blob-0", new ByteArrayInputStream(newer), newer.length, PutOptions.DEFAULT);
      byte[] small = "newer".getBytes(StandardCharsets.UTF_8);
      src.put("dir0/obj-0.bin", new ByteArrayInputStream(small), small.length, PutOptions.DEFAULT);
      for (String flag : List.of("--no-server-side-copy", "--transfers=4")) {
        Path out = tmp.resolve("o" + flag.length());
        int code =
            run(
                "replicate",
                "s3://" + a,
                "s3://" + b,
                "--stores",
                stores.toString(),
                "--manifest",
                manifest.toString(),
                "--chunk-size",
                "5MiB",
                flag,
                "--runner",
                "direct",
                "--output",
                out.toString());
        assertEquals(ExitStatus.PARTIAL, code);
        JsonNode r = report(out);
        assertEquals(2, r.get("failed").asLong());
        for (JsonNode f : r.get("failures")) {
          assertTrue(f.get("error").asText().contains("source changed"), f.toString());
        }
        assertFalse(
            dst.listAllToList("").stream().anyMatch(o -> o.key().equals("large/blob-0")),
            "no torn large object");
        assertFalse(
            dst.listAllToList("").stream().anyMatch(o -> o.key().equals("dir0/obj-0.bin")),
            "no stale small object");
        assertEquals(List.of(), dst.multipart().orElseThrow().listPending(""));
        dst.deleteAll(dst.listAllToList("").stream().map(ObjectInfo::key).toList());
      }
      // A fresh run (listing again) copies the new versions.
      assertEquals(
          0,
          run(
              "replicate",
              "s3://" + a,
              "s3://" + b,
              "--stores",
              stores.toString(),
              "--runner",
              "direct",
              "--output",
              tmp.resolve("o9").toString()));
      assertArrayEquals(newer, read(dst, "large/blob-0"));
      assertArrayEquals(small, read(dst, "dir0/obj-0.bin"));
    }
  }

  @Test
  void aRerunAfterACrashCopiesOnlyTheRestAndAbortsLeftoverUploads() throws Exception {
    String a = bucket(east);
    String b = bucket(west);
    Path stores = stores(Map.of(a, east, b, west));
    Map<String, byte[]> data;
    try (ObjectStore src = open("s3://" + a, east);
        ObjectStore dst = open("s3://" + b, west)) {
      data = fill(src, "", 20, 1, 11);
      // The state a killed run leaves: some objects copied, one upload begun and never completed.
      int i = 0;
      for (var e : data.entrySet()) {
        if (i++ % 2 == 0 && e.getValue().length < (1 << 20)) {
          dst.put(
              e.getKey(),
              new ByteArrayInputStream(e.getValue()),
              e.getValue().length,
              PutOptions.DEFAULT);
        }
      }
      UploadHandle leftover =
          dst.multipart().orElseThrow().begin("large/blob-0", PutOptions.DEFAULT);
      dst.multipart()
          .orElseThrow()
          .uploadPart(leftover, 1, new ByteArrayInputStream(new byte[5 << 20]), 5 << 20);
      Path out = tmp.resolve("o");
      assertEquals(
          0,
          run(
              "replicate",
              "s3://" + a,
              "s3://" + b,
              "--stores",
              stores.toString(),
              "--chunk-size",
              "5MiB",
              "--runner",
              "direct",
              "--output",
              out.toString()));
      JsonNode r = report(out);
      assertEquals(10, r.get("skipped").asLong());
      assertEquals(11, r.get("copied").asLong());
      assertEquals(1, r.get("abortedStaleUploads").asLong());
      assertSameObjects(data, dst, "");
      assertEquals(List.of(), dst.multipart().orElseThrow().listPending(""));
    }
  }

  @Test
  void badArgumentsGiveExitStatusTwoAndSayWhatIsWrong() {
    assertEquals(ExitStatus.USAGE, run("replicate", "not-a-uri", "s3://bucket"));
    assertEquals(ExitStatus.USAGE, run("replicate", "s3://only-source"));
    assertEquals(
        ExitStatus.USAGE,
        run("replicate", "file:///tmp/a", "file:///tmp/b", "--chunk-size", "lots"));
  }
}
