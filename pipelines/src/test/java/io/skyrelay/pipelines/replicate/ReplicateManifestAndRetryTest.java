package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.reflect.ReflectData;
import org.apache.avro.reflect.ReflectDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written manifest whose sizes or ETags no longer match the source, and the retry of a run's
 * failed objects from its results ({@code --retry-from}).
 */
class ReplicateManifestAndRetryTest {

  @TempDir Path tmp;

  record Outcome(int status, String out) {}

  static ObjectStore open(Path dir) {
    return ObjectStores.open(dir.toUri().toString(), StoreSettings.EMPTY);
  }

  static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      status = SkyrelayCli.commandLine().execute(args);
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    stdout.print(printed);
    return new Outcome(status, printed);
  }

  static Map<String, Long> objects(Path dir) {
    Map<String, Long> m = new TreeMap<>();
    try (ObjectStore s = open(dir)) {
      for (ObjectInfo o : s.listAllToList("")) {
        m.put(o.key(), o.size());
      }
    }
    return m;
  }

  static void writeManifest(Path file, List<ObjectEntry> entries) throws Exception {
    try (DataFileWriter<ObjectEntry> w =
        new DataFileWriter<>(new ReflectDatumWriter<>(ObjectEntry.class))) {
      w.create(ReflectData.get().getSchema(ObjectEntry.class), file.toFile());
      for (ObjectEntry e : entries) {
        w.append(e);
      }
    }
  }

  @Test
  void aManifestThatNoLongerMatchesTheSourceFailsThoseObjectsAndTheirRetryCopiesThem()
      throws Exception {
    Path src = tmp.resolve("src");
    Map<String, ObjectInfo> listed = new TreeMap<>();
    try (ObjectStore s = open(src)) {
      for (String key : List.of("ok.txt", "grown.txt", "shrunk.txt", "retagged.txt", "moved.txt")) {
        byte[] b = ("content of " + key).getBytes(StandardCharsets.UTF_8);
        s.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT);
      }
      s.listAllToList("").forEach(o -> listed.put(o.key(), o));
    }
    List<ObjectEntry> manifest = new ArrayList<>();
    ObjectInfo ok = listed.get("ok.txt");
    manifest.add(new ObjectEntry("ok.txt", ok.size(), ok.etag(), null, 0));
    // written by hand: the size is wrong, no ETag
    ObjectInfo grown = listed.get("grown.txt");
    manifest.add(new ObjectEntry("grown.txt", grown.size() - 3, null, null, 0));
    ObjectInfo shrunk = listed.get("shrunk.txt");
    manifest.add(new ObjectEntry("shrunk.txt", shrunk.size() + 3, null, null, 0));
    // the right ETag with a wrong size
    ObjectInfo retagged = listed.get("retagged.txt");
    manifest.add(new ObjectEntry("retagged.txt", retagged.size() + 1, retagged.etag(), null, 0));
    // an ETag the source no longer has
    manifest.add(
        new ObjectEntry(
            "moved.txt",
            listed.get("moved.txt").size(),
            "0123456789abcdef0123456789abcdef",
            null,
            0));
    Path file = tmp.resolve("manifest.avro");
    writeManifest(file, manifest);

    for (String copy : List.of("--no-server-side-copy", "--transfers=4")) {
      Path dst = tmp.resolve("dst" + copy.length());
      Path out = tmp.resolve("run" + copy.length());
      Outcome o =
          run(
              "replicate",
              src.toUri().toString(),
              dst.toUri().toString(),
              "--manifest",
              file.toString(),
              copy,
              "--runner",
              "direct",
              "--output",
              out.toString());
      assertEquals(ExitStatus.PARTIAL, o.status(), o.out());
      JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
      assertEquals(4, report.get("failed").asLong(), report.toString());
      for (JsonNode f : report.get("failures")) {
        assertTrue(
            f.get("error").asText().contains("manifest")
                || f.get("error").asText().contains("source changed"),
            f.toString());
      }
      assertEquals(Map.of("ok.txt", ok.size()), objects(dst), "nothing copied silently");

      // the failed objects, retried as a new run from the first run's results
      Outcome retry =
          run(
              "replicate",
              src.toUri().toString(),
              dst.toUri().toString(),
              "--retry-from",
              out.toString(),
              "--runner",
              "direct",
              "--output",
              tmp.resolve("retry" + copy.length()).toString());
      assertEquals(ExitStatus.OK, retry.status(), retry.out());
      assertTrue(retry.out().contains("retrying the 4 objects that failed"), retry.out());
      JsonNode again =
          new ObjectMapper()
              .readTree(tmp.resolve("retry" + copy.length()).resolve("report.json").toFile());
      assertEquals(4, again.get("copied").asLong());
      assertEquals(objects(src), objects(dst));
    }
  }

  @Test
  void aStaleManifestMatchingTheReplicaIsNotTakenForInSync() throws Exception {
    Path src = tmp.resolve("src");
    Path dst = tmp.resolve("dst");
    try (ObjectStore s = open(src)) {
      s.put("doc.txt", new ByteArrayInputStream(new byte[] {1, 2}), 2, PutOptions.DEFAULT);
    }
    String[] where = {src.toUri().toString(), dst.toUri().toString(), "--runner", "direct"};
    Path manifest = tmp.resolve("listing.avro");
    assertEquals(0, run(concat(where, "--output", tmp.resolve("r1").toString())).status());
    assertEquals(
        0,
        run(concat(
                where,
                "--dry-run",
                "--manifest-out",
                manifest.toString(),
                "--output",
                tmp.resolve("r2").toString()))
            .status());
    // the source changes after the manifest was written; the replica is what the manifest says
    try (ObjectStore s = open(src)) {
      s.put("doc.txt", new ByteArrayInputStream(new byte[] {3, 4, 5}), 3, PutOptions.DEFAULT);
    }
    Path out = tmp.resolve("r3");
    Outcome o = run(concat(where, "--manifest", manifest.toString(), "--output", out.toString()));
    assertEquals(ExitStatus.PARTIAL, o.status(), o.out());
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertEquals(1, report.get("failed").asLong());
    assertEquals(0, report.get("skipped").asLong());
    assertTrue(
        report.get("failures").get(0).get("error").asText().contains("source changed"),
        report.toString());
  }

  static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length + 1);
    all[0] = "replicate";
    System.arraycopy(a, 0, all, 1, a.length);
    System.arraycopy(b, 0, all, a.length + 1, b.length);
    return all;
  }

  @Test
  void aRetryOfARunWithoutFailuresCopiesNothing() throws Exception {
    Path src = tmp.resolve("src");
    try (ObjectStore s = open(src)) {
      s.put("a", new ByteArrayInputStream(new byte[] {1}), 1, PutOptions.DEFAULT);
    }
    Path dst = tmp.resolve("dst");
    String[] common = {"--runner", "direct", "--output"};
    assertEquals(
        0,
        run(
                "replicate",
                src.toUri().toString(),
                dst.toUri().toString(),
                common[0],
                common[1],
                common[2],
                tmp.resolve("r1").toString())
            .status());
    Outcome retry =
        run(
            "replicate",
            src.toUri().toString(),
            dst.toUri().toString(),
            "--retry-from",
            tmp.resolve("r1").toString(),
            "--runner",
            "direct",
            "--output",
            tmp.resolve("r2").toString());
    assertEquals(0, retry.status());
    assertTrue(retry.out().contains("nothing to retry"), retry.out());
    assertEquals(
        ExitStatus.USAGE,
        run(
                "replicate",
                src.toUri().toString(),
                dst.toUri().toString(),
                "--retry-from",
                tmp.resolve("nope").toString())
            .status());
  }
}
