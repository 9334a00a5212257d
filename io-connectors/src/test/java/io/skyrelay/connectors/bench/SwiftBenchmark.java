package io.skyrelay.connectors.bench;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.swift.SwiftAllInOneServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One object of SIZE through the Swift connector, the swift CLI (python-swiftclient) and rclone's
 * Swift backend, all against the same Swift all-in-one ({@link SwiftAllInOneServer}) and from the
 * same file: written in one request and as static or dynamic large objects of SEGMENT_MIB segments,
 * then read back. Not a test: run it with {@code bench/swift.sh}.
 *
 * <p>Arguments: {@code [SIZE_MIB [SEGMENT_MIB [PARALLEL [ROUNDS]]]]}, defaults {@code 1024 64 4 3}.
 * PARALLEL is the connector's {@code segment-parallelism}, the swift CLI's {@code
 * --segment-threads} and the number of ranged reads side by side. Each figure is the median of
 * ROUNDS rounds, in MiB/s.
 */
public final class SwiftBenchmark {

  private static final int MIB = 1 << 20;
  private static final String CONTAINER = "bench";

  public static void main(String[] args) throws Exception {
    long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    long segmentMib = args.length > 1 ? Long.parseLong(args[1]) : 64;
    int parallel = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    long size = sizeMib * MIB;
    Path work = Files.createTempDirectory("skyrelay-swift-bench");
    Path file = work.resolve("object.bin");
    writeFile(file, size);
    try (SwiftAllInOneServer swift = SwiftAllInOneServer.start()) {
      swift.createContainer(CONTAINER);
      String uri = "swift://" + SwiftAllInOneServer.ACCOUNT + "/" + CONTAINER;
      Map<String, List<Double>> figures = new LinkedHashMap<>();
      Cli cli = new Cli(work, swift);
      try (ObjectStore whole =
              ObjectStores.open(
                  uri,
                  swift.settings().with("segment-size", "5GiB").with("segment-parallelism", "1"));
          ObjectStore segmented =
              ObjectStores.open(
                  uri,
                  swift
                      .settings()
                      .with("segment-size", segmentMib + "MiB")
                      .with("segment-parallelism", Integer.toString(parallel)))) {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
          for (int round = 0; round < rounds; round++) {
            String key = "bench/connector-" + round;
            time(figures, "connector put, 1 request", size, () -> put(whole, key, file, size));
            time(
                figures,
                "connector read, 1 stream",
                size,
                () -> check(drain(whole, key, null), size));
            time(
                figures,
                "connector read, ranges",
                size,
                () -> readRanges(whole, key, size, parallel, pool));
            whole.delete(key);
            time(figures, "connector put, segments", size, () -> put(segmented, key, file, size));
            time(
                figures,
                "connector read, SLO",
                size,
                () -> check(drain(segmented, key, null), size));
            segmented.delete(key);

            String swiftKey = "bench/swift-cli-" + round;
            time(
                figures,
                "swift upload, 1 request",
                size,
                () -> cli.swift("upload", "--object-name", swiftKey, CONTAINER, file.toString()));
            time(
                figures,
                "swift download, 1 request",
                size,
                () -> cli.swift("download", CONTAINER, swiftKey, "-o", "/dev/null"));
            cli.swift("delete", CONTAINER, swiftKey);
            time(
                figures,
                "swift upload, segments",
                size,
                () ->
                    cli.swift(
                        "upload",
                        "--use-slo",
                        "--segment-size",
                        segmentMib + "M",
                        "--segment-threads",
                        Integer.toString(parallel),
                        "--object-name",
                        swiftKey,
                        CONTAINER,
                        file.toString()));
            time(
                figures,
                "swift download, SLO",
                size,
                () -> cli.swift("download", CONTAINER, swiftKey, "-o", "/dev/null"));
            cli.swift("delete", CONTAINER, swiftKey);

            String rcloneKey = "swift:" + CONTAINER + "/bench/rclone-" + round;
            time(
                figures,
                "rclone copyto, 1 request",
                size,
                () -> cli.rclone("copyto", file.toString(), rcloneKey));
            time(figures, "rclone cat, 1 request", size, () -> cli.rclone("cat", rcloneKey));
            cli.rclone("deletefile", rcloneKey);
            time(
                figures,
                "rclone copyto, segments",
                size,
                () ->
                    cli.rclone(
                        "copyto",
                        "--swift-chunk-size",
                        segmentMib + "Mi",
                        file.toString(),
                        rcloneKey));
            time(figures, "rclone cat, segmented", size, () -> cli.rclone("cat", rcloneKey));
            cli.rclone("delete", "swift:" + CONTAINER + "/bench");
            System.err.println("round " + (round + 1) + " of " + rounds + " done");
          }
        } finally {
          pool.shutdownNow();
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%d MiB, segments of %d MiB, %d in parallel, median of %d rounds, MiB/s%n%n",
          sizeMib,
          segmentMib,
          parallel,
          rounds);
      System.out.println("| step | MiB/s (median) | rounds |");
      System.out.println("|---|---|---|");
      figures.forEach(
          (step, values) ->
              System.out.printf(
                  Locale.ROOT, "| %s | %s | %s |%n", step, median(values), list(values)));
    } finally {
      try (var paths = Files.walk(work)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.exit(0);
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void time(Map<String, List<Double>> figures, String what, long size, Step step)
      throws Exception {
    long t0 = System.nanoTime();
    step.run();
    double rate = size / (double) MIB / ((System.nanoTime() - t0) / 1e9);
    figures.computeIfAbsent(what, k -> new ArrayList<>()).add(rate);
  }

  private static void put(ObjectStore store, String key, Path file, long size) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      store.put(key, in, size, PutOptions.DEFAULT);
    }
    check(store.head(key).size(), size);
  }

  private static void readRanges(
      ObjectStore store, String key, long size, int parallel, ExecutorService pool)
      throws Exception {
    long part = (size + parallel - 1) / parallel;
    List<Future<Long>> reads = new ArrayList<>();
    for (int i = 0; i < parallel; i++) {
      long first = i * part;
      long len = Math.min(part, size - first);
      reads.add(pool.submit(() -> drain(store, key, ByteRange.ofLength(first, len))));
    }
    long total = 0;
    for (Future<Long> f : reads) {
      total += f.get();
    }
    check(total, size);
  }

  private static long drain(ObjectStore store, String key, ByteRange range) throws IOException {
    byte[] buf = new byte[256 * 1024];
    long n = 0;
    try (InputStream in = store.read(key, range, null)) {
      for (int r; (r = in.read(buf)) >= 0; ) {
        n += r;
      }
    }
    return n;
  }

  private static void check(long got, long expected) {
    if (got != expected) {
      throw new IllegalStateException(got + " bytes, expected " + expected);
    }
  }

  /** SIZE bytes of a random 4 MiB block repeated, the file every client uploads. */
  private static void writeFile(Path file, long size) throws IOException {
    byte[] block = new byte[4 * MIB];
    new Random(42).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= block.length) {
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
  }

  private static String median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    double m = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return String.format(Locale.ROOT, "%.0f", m);
  }

  private static String list(List<Double> values) {
    List<String> s = new ArrayList<>();
    values.forEach(v -> s.add(String.format(Locale.ROOT, "%.0f", v)));
    return String.join(", ", s);
  }

  /**
   * The swift CLI and rclone as processes of their own, against the all-in-one with tempauth; an
   * environment with only what they need (no proxy, no AWS_CA_BUNDLE, no user configuration), their
   * output to a file (rclone cat's content to /dev/null).
   */
  private static final class Cli {
    private final Path work;
    private final Path rcloneConfig;
    private final SwiftAllInOneServer swift;

    Cli(Path work, SwiftAllInOneServer swift) throws IOException {
      this.work = work;
      this.swift = swift;
      this.rcloneConfig =
          Files.writeString(
              work.resolve("rclone.conf"),
              "[swift]\ntype = swift\nauth_version = 1\nauth = "
                  + swift.authUrl()
                  + "\nuser = "
                  + SwiftAllInOneServer.USER
                  + "\nkey = "
                  + SwiftAllInOneServer.KEY
                  + "\n");
    }

    void swift(String... args) throws Exception {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "/usr/bin/swift",
                  "-A",
                  swift.authUrl(),
                  "-U",
                  SwiftAllInOneServer.USER,
                  "-K",
                  SwiftAllInOneServer.KEY));
      command.addAll(List.of(args));
      run(command, false);
    }

    void rclone(String... args) throws Exception {
      List<String> command =
          new ArrayList<>(List.of("/usr/bin/rclone", "--config", rcloneConfig.toString()));
      command.addAll(List.of(args));
      run(command, args[0].equals("cat"));
    }

    private void run(List<String> command, boolean contentToNull) throws Exception {
      ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
      pb.environment().clear();
      pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", work.toString()));
      File log = work.resolve("cli.out").toFile();
      pb.redirectError(log);
      pb.redirectOutput(contentToNull ? new File("/dev/null") : log);
      Process p = pb.start();
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " failed:\n" + Files.readString(log.toPath()));
      }
    }
  }
}
