package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.connectors.swift.SwiftAllInOneServer;
import io.skyrelay.pipelines.SkyrelayCli;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay replicate} from a real OpenStack Swift (the all-in-one of Debian's packages) to
 * S3Proxy and back: small objects and static large objects, with their content types and user
 * metadata, verified by the job, by a second run that finds nothing to copy, and by rclone's own
 * Swift and S3 backends ({@code rclone check}, by hash and size and then byte for byte).
 */
class ReplicateSwiftTest {

  private static final String RCLONE = "/usr/bin/rclone";
  private static final String SWIFT = "swift://" + SwiftAllInOneServer.ACCOUNT;

  @TempDir Path tmp;

  @Test
  void copiesSwiftToS3AndBackWithLargeObjectsAndMetadata() throws Exception {
    String missing = SwiftAllInOneServer.missing();
    assertTrue(missing.isEmpty(), missing);
    assertTrue(
        Files.isExecutable(Path.of(RCLONE)),
        "rclone is not installed: run `bash .ci/packages` from the repository root as root");
    try (SwiftAllInOneServer swift = SwiftAllInOneServer.start();
        S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
      swift.createContainer("from-swift");
      swift.createContainer("back");
      s3.createBucket("from-swift-copy");

      Map<String, byte[]> data = new TreeMap<>();
      Random r = new Random(22);
      // Large objects above 1 MiB, in segments of 1 MiB: six and thirteen segments.
      try (ObjectStore src =
          ObjectStores.open(SWIFT + "/from-swift", swift.settings().with("segment-size", "1MiB"))) {
        for (int i = 0; i < 12; i++) {
          byte[] v = new byte[1 + r.nextInt(40_000)];
          r.nextBytes(v);
          String key = "small/" + i + ".csv";
          src.put(
              key,
              new ByteArrayInputStream(v),
              v.length,
              PutOptions.of("text/csv", Map.of("row-count", "" + i)));
          data.put(key, v);
        }
        for (int size : new int[] {(6 << 20) - 3, (12 << 20) + 77}) {
          byte[] v = new byte[size];
          r.nextBytes(v);
          String key = "large/" + size + ".mp4";
          src.put(
              key,
              new ByteArrayInputStream(v),
              v.length,
              PutOptions.of("video/mp4", Map.of("camera", "north", "take", "" + size)));
          data.put(key, v);
        }
        assertNull(src.head("large/" + ((12 << 20) + 77) + ".mp4").md5(), "a large object");
      }

      Path stores = stores(swift, s3);
      String s3Copy = "s3://from-swift-copy/copy";
      JsonNode there = replicate(stores, SWIFT + "/from-swift", s3Copy);
      assertEquals(data.size(), there.get("copied").asLong(), there.toString());
      assertEquals(0, there.get("failed").asLong(), there.toString());
      try (ObjectStore dst = ObjectStores.open("s3://from-swift-copy", s3.settings())) {
        assertSameObjects(data, dst, "copy/");
      }
      JsonNode again = replicate(stores, SWIFT + "/from-swift", s3Copy);
      assertEquals(0, again.get("copied").asLong(), "nothing changed: " + again);
      assertEquals(0, again.get("failed").asLong(), again.toString());

      JsonNode back = replicate(stores, s3Copy, SWIFT + "/back");
      assertEquals(data.size(), back.get("copied").asLong(), back.toString());
      assertEquals(0, back.get("failed").asLong(), back.toString());
      try (ObjectStore dst = ObjectStores.open(SWIFT + "/back", swift.settings())) {
        assertSameObjects(data, dst, "");
        // Written back to Swift above the store's segment size (4 MiB): large objects again.
        assertNull(dst.head("large/" + ((12 << 20) + 77) + ".mp4").md5());
        try (ObjectStore segments = ObjectStores.open(SWIFT + "/back_segments", swift.settings())) {
          assertTrue(
              segments.listAllToList("large/").size() >= 4,
              "segments in back_segments: " + segments.listAllToList("large/"));
        }
      }
      JsonNode backAgain = replicate(stores, s3Copy, SWIFT + "/back");
      assertEquals(0, backAgain.get("copied").asLong(), "nothing changed: " + backAgain);

      // rclone's own backends agree: by size and hash where both have one, then byte for byte.
      Path config = tmp.resolve("rclone.conf");
      Files.writeString(
          config,
          "[swift]\ntype = swift\nauth_version = 1\nauth = "
              + swift.authUrl()
              + "\nuser = "
              + SwiftAllInOneServer.USER
              + "\nkey = "
              + SwiftAllInOneServer.KEY
              + "\n\n[s3]\ntype = s3\nprovider = Other\nenv_auth = false\naccess_key_id = "
              + S3ProxyServer.ACCESS_KEY
              + "\nsecret_access_key = "
              + S3ProxyServer.SECRET_KEY
              + "\nendpoint = "
              + s3.endpoint()
              + "\nregion = us-east-1\nforce_path_style = true\n");
      String n = data.size() + " matching files";
      assertContains(rclone(config, "check", "swift:from-swift", "s3:from-swift-copy/copy"), n);
      assertContains(rclone(config, "check", "s3:from-swift-copy/copy", "swift:back"), n);
      assertContains(
          rclone(config, "check", "--download", "swift:from-swift", "s3:from-swift-copy/copy"), n);
      assertContains(
          rclone(config, "check", "--download", "s3:from-swift-copy/copy", "swift:back"), n);
    }
  }

  private Path stores(SwiftAllInOneServer swift, S3ProxyServer s3) throws IOException {
    StringBuilder y = new StringBuilder("stores:\n");
    for (String container : List.of("from-swift", "back")) {
      y.append("  - uri: ")
          .append(SWIFT)
          .append('/')
          .append(container)
          .append("\n    auth-url: ")
          .append(swift.authUrl())
          .append("\n    user: ")
          .append(SwiftAllInOneServer.USER)
          .append("\n    key: ")
          .append(SwiftAllInOneServer.KEY)
          .append("\n    segment-size: 4MiB\n");
    }
    y.append("  - uri: s3://from-swift-copy\n    endpoint: ")
        .append(s3.endpoint())
        .append("\n    region-name: us-east-1\n    access-key-id: ")
        .append(S3ProxyServer.ACCESS_KEY)
        .append("\n    secret-access-key: ")
        .append(S3ProxyServer.SECRET_KEY)
        .append("\n");
    return Files.writeString(tmp.resolve("stores.yaml"), y.toString());
  }

  /** Runs the job to its end; its report. */
  private JsonNode replicate(Path stores, String from, String to) throws IOException {
    Path out = Files.createTempDirectory(tmp, "out");
    int code =
        SkyrelayCli.commandLine()
            .execute(
                "replicate",
                from,
                to,
                "--stores",
                stores.toString(),
                "--chunk-size",
                "5MiB",
                "--runner",
                "direct",
                "--output",
                out.toString());
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertEquals(0, code, report.toString());
    return report;
  }

  private static void assertSameObjects(Map<String, byte[]> data, ObjectStore dst, String prefix)
      throws IOException {
    Map<String, byte[]> copied = new TreeMap<>();
    for (ObjectInfo o : dst.listAll(prefix)) {
      try (InputStream in = dst.read(o.key(), null, null)) {
        copied.put(o.key().substring(prefix.length()), in.readAllBytes());
      }
    }
    assertEquals(data.keySet(), copied.keySet());
    data.forEach((k, v) -> assertArrayEquals(v, copied.get(k), k));
    ObjectInfo small = dst.head(prefix + "small/7.csv");
    assertEquals("text/csv", small.contentType());
    assertEquals("7", small.metadata().get("row-count"));
    String large = "large/" + ((12 << 20) + 77) + ".mp4";
    ObjectInfo big = dst.head(prefix + large);
    assertEquals("video/mp4", big.contentType());
    assertEquals("north", big.metadata().get("camera"), big.metadata().toString());
    assertEquals("" + ((12 << 20) + 77), big.metadata().get("take"));
  }

  /** Runs rclone with this config only (no AWS_CA_BUNDLE, no user config); its stderr. */
  private String rclone(Path config, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(List.of(RCLONE, "--config", config.toString(), "-v"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().clear();
    pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString()));
    File out = tmp.resolve("rclone.out").toFile();
    pb.redirectErrorStream(true).redirectOutput(out);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + output);
    return output;
  }

  private static void assertContains(String output, String expected) {
    assertTrue(output.contains(expected), "expected '" + expected + "' in:\n" + output);
  }
}
