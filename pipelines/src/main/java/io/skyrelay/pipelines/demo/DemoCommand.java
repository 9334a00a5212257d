package io.skyrelay.pipelines.demo;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.GeneratedContent;
import io.skyrelay.pipelines.common.ProgressBar;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.replicate.ReplicateJob;
import io.skyrelay.pipelines.replicate.ReplicationSummary;
import io.skyrelay.transforms.replicate.DiffMode;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code skyrelay demo}. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the replication job on this machine with nothing else installed: starts two"
          + " S3-compatible endpoints in this process (labelled aws:us-east-1 and aws:eu-west-1),"
          + " fills the first with a generated data set (thousands of small objects and a few"
          + " large ones), replicates it on the embedded Flink, verifies every byte, and prints"
          + " the summary."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--small", defaultValue = "3000", description = "Small objects (1-64 KiB).")
  int small;

  @Option(names = "--large", defaultValue = "3", description = "Large objects.")
  int large;

  @Option(
      names = "--large-size",
      defaultValue = "256",
      description = "Size of each large object in MiB (default ${DEFAULT-VALUE}).")
  int largeMiB;

  @Option(
      names = "--dir",
      defaultValue = "target/skyrelay-demo",
      description = "Working folder for the endpoints' data (emptied first).")
  Path dir;

  @Mixin RunnerOptions runner;

  @Override
  public Integer call() throws Exception {
    deleteTree(dir);
    System.out.println("Starting two S3-compatible endpoints in this process...");
    try (S3ProxyServer east = S3ProxyServer.startOnDisk(dir.resolve("aws-us-east-1"));
        S3ProxyServer west = S3ProxyServer.startOnDisk(dir.resolve("aws-eu-west-1"))) {
      east.createBucket("demo-source");
      west.createBucket("demo-replica");
      StoreLocation src =
          new StoreLocation(
              io.skyrelay.connectors.StoreUri.parse("s3://demo-source/"),
              east.settings(),
              "aws:us-east-1");
      StoreLocation dst =
          new StoreLocation(
              io.skyrelay.connectors.StoreUri.parse("s3://demo-replica/"),
              west.settings(),
              "aws:eu-west-1");
      System.out.printf(
          "  %s  (aws:us-east-1)%n  %s  (aws:eu-west-1)%n", east.endpoint(), west.endpoint());
      long bytes = generate(src, small, large, (long) largeMiB << 20);
      System.out.printf(
          "Generated %,d objects, %s, in s3://demo-source%n",
          small + large, ProgressBar.bytes(bytes));
      System.out.println(
          "Replicating s3://demo-source -> s3://demo-replica on " + runnerName() + "...");
      ReplicationSpec spec =
          new ReplicationSpec(
              src,
              List.of(dst),
              ReplicationSpec.DEFAULT_CHUNK_SIZE,
              DiffMode.AUTO,
              false,
              0,
              16,
              true);
      ReplicationSummary summary =
          ReplicateJob.run(
              spec, runner, new ReplicateJob.Io(null, null, dir.resolve("run"), false), System.out);
      summary.print(System.out);
      System.out.println("Verifying every object byte for byte...");
      int mismatches = verify(src, dst);
      System.out.println(
          mismatches == 0
              ? "Verified: the replica equals the source (" + (small + large) + " objects)."
              : "VERIFY FAILED: " + mismatches + " objects differ");
      return mismatches == 0 && summary.failed() == 0 ? ExitStatus.OK : ExitStatus.PARTIAL;
    }
  }

  private String runnerName() {
    return runner.embedded() && runner.runner().equals("flink")
        ? "Flink (embedded MiniCluster)"
        : runner.runner();
  }

  /** Fills the source with a realistic mix: logs and images of 1-64 KiB, a few large files. */
  static long generate(StoreLocation src, int small, int large, long largeSize) throws Exception {
    String[][] kinds = {
      {"logs/app/2026/11/%02d/app-%05d.json", "application/json"},
      {"images/thumbs/%02d/img_%05d.jpg", "image/jpeg"},
      {"events/raw/day=%02d/part-%05d.csv", "text/csv"},
    };
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<Long>> done = new ArrayList<>();
    try (ObjectStore store = src.open()) {
      for (int i = 0; i < small; i++) {
        int n = i;
        done.add(
            pool.submit(
                () -> {
                  SplittableRandom r = new SplittableRandom(n);
                  String[] kind = kinds[n % kinds.length];
                  int size = 1024 + (int) Math.min(63 * 1024, Math.abs(r.nextGaussian() * 12_000));
                  String key = String.format(kind[0], 1 + n % 28, n);
                  store.put(
                      key,
                      new GeneratedContent(n, size),
                      size,
                      PutOptions.of(kind[1], Map.of("generator", "skyrelay-demo")));
                  return (long) size;
                }));
      }
      for (int i = 0; i < large; i++) {
        int n = i;
        done.add(
            pool.submit(
                () -> {
                  store.put(
                      String.format("datasets/model-%02d.bin", n),
                      new GeneratedContent(1_000_000 + n, largeSize),
                      largeSize,
                      PutOptions.of("application/octet-stream", Map.of()));
                  return largeSize;
                }));
      }
      long total = 0;
      for (Future<Long> f : done) {
        total += f.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Compares every object's bytes (MD5 of a full read) at both locations. */
  static int verify(StoreLocation src, StoreLocation dst) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (ObjectStore a = src.open();
        ObjectStore b = dst.open()) {
      Map<String, ObjectInfo> replica = new HashMap<>();
      b.listAll(dst.uri().prefix()).forEach(o -> replica.put(o.key(), o));
      List<Future<Boolean>> checks = new ArrayList<>();
      int missing = 0;
      int present = 0;
      for (ObjectInfo o : a.listAll(src.uri().prefix())) {
        if (replica.containsKey(o.key())) {
          present++;
        }
        if (!replica.containsKey(o.key()) || replica.get(o.key()).size() != o.size()) {
          missing++;
          continue;
        }
        checks.add(pool.submit(() -> md5(a, o.key()).equals(md5(b, o.key()))));
      }
      int bad = missing + (replica.size() - present);
      for (Future<Boolean> c : checks) {
        if (!c.get()) {
          bad++;
        }
      }
      return bad;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String md5(ObjectStore store, String key) throws Exception {
    MessageDigest md = MessageDigest.getInstance("MD5");
    try (InputStream in = store.read(key, null, null)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      walk.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(f -> f.toFile().delete());
    }
  }
}
