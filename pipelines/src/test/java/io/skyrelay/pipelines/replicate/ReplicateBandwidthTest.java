package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --bwlimit}: the rate held by a real copy (S3Proxy to local disk, two workers with several
 * transfers each, whole objects and the parts of a multi-part upload) is the limit for the job, not
 * for each worker.
 */
class ReplicateBandwidthTest {

  static final int MIB = 1 << 20;
  static final long LIMIT = 4L * MIB;

  static S3ProxyServer server;
  static String bucket;
  static long sourceBytes;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    try {
      server = S3ProxyServer.startInMemory();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    bucket = "bw" + System.nanoTime() % 1_000_000_000L;
    server.createBucket(bucket);
    Random random = new Random(7);
    try (ObjectStore s = ObjectStores.open("s3://" + bucket, server.settings())) {
      List<Integer> sizes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        sizes.add(MIB);
      }
      sizes.add(16 * MIB); // copied in parts of 5 MiB
      for (int i = 0; i < sizes.size(); i++) {
        byte[] bytes = new byte[sizes.get(i)];
        random.nextBytes(bytes);
        s.put("data/o" + i, new ByteArrayInputStream(bytes), bytes.length, PutOptions.DEFAULT);
        sourceBytes += bytes.length;
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  Path stores() throws Exception {
    Path f = tmp.resolve("stores.yaml");
    Files.writeString(
        f,
        "stores:\n  - uri: s3://"
            + bucket
            + "\n    endpoint: "
            + server.endpoint()
            + "\n    region-name: us-east-1\n    access-key-id: "
            + S3ProxyServer.ACCESS_KEY
            + "\n    secret-access-key: "
            + S3ProxyServer.SECRET_KEY
            + "\n");
    return f;
  }

  /** Runs replicate of the source into {@code dst}; returns the exit status and the output. */
  Object[] replicate(Path dst, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replicate",
                "s3://" + bucket + "/data/",
                dst.toUri().toString(),
                "--stores",
                stores().toString(),
                "--chunk-size",
                "5MiB",
                "--transfers",
                "4",
                "--runner",
                "direct",
                "--parallelism",
                "2",
                "--output",
                dst + "-out"));
    args.addAll(List.of(more));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    int status;
    try {
      PrintStream both = new PrintStream(out, true, StandardCharsets.UTF_8);
      System.setOut(both);
      System.setErr(both);
      status = SkyrelayCli.commandLine().execute(args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    stdout.print(printed);
    return new Object[] {status, printed};
  }

  long bytesAt(Path dst) {
    try (ObjectStore s = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
      return s.listAllToList("").stream().mapToLong(ObjectInfo::size).sum();
    }
  }

  /** Runs the copy into a new folder and returns how long it took, in seconds. */
  double timedCopy(String name, String... more) throws Exception {
    Path dst = tmp.resolve(name);
    long start = System.nanoTime();
    Object[] r = replicate(dst, more);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(ExitStatus.OK, r[0], (String) r[1]);
    assertEquals(sourceBytes, bytesAt(dst));
    return seconds;
  }

  @Test
  void theWholeJobHoldsTheRateAcrossWorkers() throws Exception {
    timedCopy("warm-up");
    // The same job without a limit: what the run costs besides sending the bytes.
    double unlimited = timedCopy("unlimited");
    double limited = timedCopy("limited", "--bwlimit", "4M");
    double rate = sourceBytes / (limited - unlimited);
    System.out.printf(
        "--bwlimit 4M: %.1f s against %.1f s unlimited: %.2f MiB/s%n",
        limited, unlimited, rate / MIB);
    // Two workers each held to the whole rate would send about twice as fast.
    assertTrue(rate < LIMIT * 1.15, "held " + rate / MIB + " MiB/s, the limit is 4 MiB/s");
    assertTrue(rate > LIMIT * 0.75, "held only " + rate / MIB + " MiB/s of 4 MiB/s");
  }

  @Test
  void aRateThatIsNotOneIsRefusedWithTheFormsAccepted() throws Exception {
    Object[] r = replicate(tmp.resolve("bad"), "--bwlimit", "08:00,512k");
    assertEquals(ExitStatus.USAGE, r[0]);
    assertTrue(
        ((String) r[1]).contains("'08:00,512k' is not a rate; write bytes per second as 10M"),
        (String) r[1]);
    assertEquals(0, Files.exists(tmp.resolve("bad")) ? bytesAt(tmp.resolve("bad")) : 0);
  }
}
