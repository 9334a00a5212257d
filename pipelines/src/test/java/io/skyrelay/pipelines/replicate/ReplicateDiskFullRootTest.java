package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay replicate} to a local folder whose file system fills up: a tmpfs of 3 MiB the
 * test mounts, for 6 MiB of objects. The run reports the objects it could not write with an error
 * that names the folder and says the disk is full, exits 1, and leaves no partial object or
 * temporary file; once the file system is grown, a re-run copies the rest. Needs root (mount).
 */
class ReplicateDiskFullRootTest {

  @TempDir Path tmp;

  static String sh(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  int replicate(Path src, Path dst, Path out) {
    return SkyrelayCli.commandLine()
        .execute(
            "replicate",
            src.toUri().toString(),
            dst.toUri().toString(),
            "--runner",
            "direct",
            "--output",
            out.toString());
  }

  @Test
  void aFullDiskIsReportedByFolderLeavesNoPartialObjectAndARerunCompletes() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root to mount a small file system (CI runs as root)");
    Path src = tmp.resolve("src");
    Path small = Files.createDirectories(tmp.resolve("small"));
    Map<String, byte[]> data = new TreeMap<>();
    Random r = new Random(41);
    try (ObjectStore s = ObjectStores.open(src.toUri().toString(), StoreSettings.EMPTY)) {
      for (int i = 0; i < 24; i++) {
        byte[] b = new byte[256 << 10];
        r.nextBytes(b);
        String key = "part-" + i + ".bin";
        s.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT);
        data.put(key, b);
      }
    }
    try {
      sh("mount", "-t", "tmpfs", "-o", "size=3m", "skyrelay-full", small.toString());
    } catch (IOException e) {
      assumeTrue(false, "cannot mount a tmpfs here: " + e.getMessage());
    }
    try {
      Path dst = small.resolve("replica");
      int first = replicate(src, dst, tmp.resolve("o1"));
      JsonNode report = new ObjectMapper().readTree(tmp.resolve("o1/report.json").toFile());
      assertEquals(ExitStatus.PARTIAL, first, "report: " + report);
      assertTrue(report.get("failed").asLong() > 0, "report: " + report);
      String error = report.get("failures").get(0).get("error").asText();
      assertTrue(error.contains(dst.toString()), "the error names the folder: " + error);
      assertTrue(error.contains("is full"), error);
      // What is visible is whole: every object there has all its bytes; nothing temporary is left.
      try (ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
        var present = d.listAllToList("");
        assertTrue(present.size() < data.size(), "the disk cannot hold them all");
        present.forEach(
            o -> assertArrayEquals(data.get(o.key()), ReplicateCommandTest.read(d, o.key())));
      }
      assertNoTemporaryFiles(dst);

      sh("mount", "-o", "remount,size=16m", small.toString());
      assertEquals(ExitStatus.OK, replicate(src, dst, tmp.resolve("o2")));
      try (ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
        ReplicateCommandTest.assertSameObjects(data, d, "");
      }
      assertNoTemporaryFiles(dst);
    } finally {
      sh("umount", "-l", small.toString());
    }
  }

  /**
   * No temporary file is left in {@code dst}; the lock file that marks this (live) process's
   * temporary folder stays while it runs.
   */
  static void assertNoTemporaryFiles(Path dst) throws IOException {
    Path internal = dst.resolve(".skyrelay").resolve("tmp");
    if (Files.exists(internal)) {
      try (Stream<Path> left = Files.walk(internal)) {
        assertEquals(
            List.of(),
            left.filter(Files::isRegularFile)
                .filter(f -> !f.getFileName().toString().endsWith(".lock"))
                .toList(),
            "temporary files");
      }
    }
  }
}
