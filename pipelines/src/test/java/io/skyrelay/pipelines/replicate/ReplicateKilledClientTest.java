package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client killed with {@code kill -9} in the middle of a batch on the embedded runner: {@code
 * skyrelay replicate} runs as a process of its own, paced ({@code --bwlimit}) so that it is still
 * copying when some objects have arrived, and is killed then, leaving objects copied, uploads begun
 * and temporary files. A re-run ends with both destinations (S3 and a local folder) equal to the
 * source, nothing doubled, and no multipart upload or temporary file left.
 */
class ReplicateKilledClientTest {

  @TempDir Path tmp;

  @Test
  void aRunKilledMidBatchIsCompletedByARerunWithNothingLeftOver() throws Exception {
    try (S3ProxyServer east = S3ProxyServer.startInMemory();
        S3ProxyServer west = S3ProxyServer.startInMemory()) {
      east.createBucket("src");
      west.createBucket("dst");
      Map<String, byte[]> data;
      try (ObjectStore src = ObjectStores.open("s3://src", east.settings())) {
        data = ReplicateCommandTest.fill(src, "", 150, 2, 51);
      }
      Path local = tmp.resolve("local");
      Path stores = tmp.resolve("stores.yaml");
      Files.writeString(stores, "stores:\n" + store("src", east) + store("dst", west));
      String[] args = {
        "replicate",
        "s3://src",
        "s3://dst",
        local.toUri().toString(),
        "--stores",
        stores.toString(),
        "--chunk-size",
        "5MiB",
        "--no-server-side-copy",
        "--bwlimit",
        "4M",
        "--output",
        tmp.resolve("o1").toString()
      };
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  SkyrelayCli.class.getName()));
      command.addAll(List.of(args));
      Process client =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("client.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
      try (ObjectStore dst = ObjectStores.open("s3://dst", west.settings())) {
        // Kill when the copy is under way: objects have arrived, the large ones are still going.
        while (dst.listAllToList("").size() < 10) {
          assertTrue(client.isAlive(), "the client ended before it was killed");
          assertTrue(System.nanoTime() < deadline, "the copy did not get under way");
          Thread.sleep(20); // polling the destination
        }
        long arrived = dst.listAllToList("").size();
        client.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        assertTrue(client.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, client.exitValue(), "killed by SIGKILL");
        assertTrue(dst.listAllToList("").size() < data.size(), "killed mid-batch");
        int pendingAfterKill = dst.multipart().orElseThrow().listPending("").size();

        args[args.length - 1] = tmp.resolve("o2").toString();
        String[] rerun =
            Stream.of(args)
                .filter(a -> !a.equals("--bwlimit") && !a.equals("4M"))
                .toArray(String[]::new);
        int status = SkyrelayCli.commandLine().execute(withRunner(rerun));
        JsonNode r = new ObjectMapper().readTree(tmp.resolve("o2/report.json").toFile());
        assertEquals(0, status, "report: " + r);
        ReplicateCommandTest.assertSameObjects(data, dst, "");
        assertEquals(List.of(), dst.multipart().orElseThrow().listPending(""), "uploads left");
        try (ObjectStore l =
            ObjectStores.open(
                local.toUri().toString(), io.skyrelay.connectors.StoreSettings.EMPTY)) {
          ReplicateCommandTest.assertSameObjects(data, l, "");
        }
        ReplicateDiskFullRootTest.assertNoTemporaryFiles(local);
        System.out.printf(
            Locale.ROOT,
            "kill -9 mid-batch: %d of %d objects had arrived, %d uploads open; the re-run copied %d,"
                + " skipped %d, aborted %d stale uploads in %.1f s%n",
            arrived,
            data.size(),
            pendingAfterKill,
            r.get("copied").asLong(),
            r.get("skipped").asLong(),
            r.get("abortedStaleUploads").asLong(),
            r.get("seconds").asDouble());
      }
    }
  }

  static String[] withRunner(String[] args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--runner";
    all[args.length + 1] = "direct";
    return all;
  }

  static String store(String bucket, S3ProxyServer server) {
    return "  - uri: s3://"
        + bucket
        + "\n    endpoint: "
        + server.endpoint()
        + "\n    region-name: us-east-1\n    access-key-id: "
        + S3ProxyServer.ACCESS_KEY
        + "\n    secret-access-key: "
        + S3ProxyServer.SECRET_KEY
        + "\n";
  }
}
