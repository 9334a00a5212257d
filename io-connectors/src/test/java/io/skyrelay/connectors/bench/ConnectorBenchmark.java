package io.skyrelay.connectors.bench;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.azure.AzuriteServer;
import io.skyrelay.connectors.gcs.GcsEmulatorServer;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Bytes per second through each connector against its local server: one object of SIZE written in a
 * single stream and as N parts uploaded side by side, then read back in a single stream and as N
 * ranged reads side by side. Not a test: run it with {@code bench/connectors.sh}.
 *
 * <p>Arguments: {@code [SIZE_MIB [PARALLEL [ROUNDS [STORES]]]]}, defaults {@code 1024 8 3
 * local,s3,azure,gcs}. Each figure is the median of ROUNDS rounds.
 */
public final class ConnectorBenchmark {

  private static final int MIB = 1 << 20;

  public static void main(String[] args) throws Exception {
    long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) * MIB;
    int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<String> stores =
        Arrays.asList((args.length > 3 ? args[3] : "local,s3,azure,gcs").split(","));
    Path work = Files.createTempDirectory("skyrelay-connector-bench");
    System.out.printf(
        Locale.ROOT,
        "%d MiB per object, %d-way parallel, median of %d rounds, MiB/s%n%n",
        size / MIB,
        parallel,
        rounds);
    System.out.println(
        "| connector (server) | put, 1 stream | put, "
            + parallel
            + " parts in parallel | read, 1 stream | read, "
            + parallel
            + " ranges in parallel |");
    System.out.println("|---|---|---|---|---|");
    for (String kind : stores) {
      try (Server server = start(kind, work)) {
        try (ObjectStore store = ObjectStores.open(server.uri(), server.settings())) {
          System.out.println(row(server.label(), store, size, parallel, rounds));
        }
      }
    }
    System.exit(0);
  }

  /** A store under test and whatever must be stopped after it. */
  private interface Server extends AutoCloseable {
    String label();

    String uri();

    StoreSettings settings();

    @Override
    void close() throws Exception;
  }

  private static Server start(String kind, Path work) throws Exception {
    switch (kind) {
      case "local":
        Path dir = Files.createDirectories(work.resolve("local"));
        return server(
            "local disk (temporary folder)", dir.toUri().toString(), StoreSettings.EMPTY, () -> {});
      case "s3":
        S3ProxyServer s3 = S3ProxyServer.startOnDisk(work.resolve("s3"));
        s3.createBucket("bench");
        return server(
            "S3 (S3Proxy 4.1, in-process, filesystem)", "s3://bench", s3.settings(), s3::close);
      case "azure":
        AzuriteServer azurite = AzuriteServer.start();
        azurite.createContainer("bench");
        return server(
            "Azure Blob (Azurite 3.37, in memory)",
            "az://" + AzuriteServer.ACCOUNT + "/bench",
            azurite.settings(),
            azurite::close);
      case "gcs":
        Path gcsDir = Path.of("io-connectors/gcs-emulator").toAbsolutePath();
        GcsEmulatorServer gcs = GcsEmulatorServer.start(gcsDir);
        return server("GCS (Firebase Storage emulator)", "gs://bench", gcs.settings(), gcs::close);
      default:
        throw new IllegalArgumentException("unknown store " + kind + "; use local,s3,azure,gcs");
    }
  }

  private interface Closer {
    void close() throws Exception;
  }

  private static Server server(String label, String uri, StoreSettings settings, Closer closer) {
    return new Server() {
      @Override
      public String label() {
        return label;
      }

      @Override
      public String uri() {
        return uri;
      }

      @Override
      public StoreSettings settings() {
        return settings;
      }

      @Override
      public void close() throws Exception {
        closer.close();
      }
    };
  }

  private static String row(String label, ObjectStore store, long size, int parallel, int rounds)
      throws Exception {
    long partSize = (size + parallel - 1) / parallel;
    Optional<MultipartUploads> mp = store.multipart();
    String partsGap = null;
    if (mp.isEmpty()) {
      partsGap = "no multi-part assembly";
    } else if (partSize < mp.get().partLimits().minPartSize()) {
      partsGap = "parts below the store's minimum";
    }
    List<Double> put1 = new ArrayList<>();
    List<Double> putN = new ArrayList<>();
    List<Double> read1 = new ArrayList<>();
    List<Double> readN = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      for (int round = 0; round < rounds; round++) {
        String key = "bench/object-" + round;
        long t0 = System.nanoTime();
        store.put(key, new PatternStream(size, round), size, PutOptions.DEFAULT);
        put1.add(rate(size, t0));

        if (partsGap == null) {
          MultipartUploads uploads = mp.get();
          String partsKey = "bench/parts-" + round;
          t0 = System.nanoTime();
          UploadHandle h = uploads.begin(partsKey, PutOptions.DEFAULT);
          List<Future<CompletedPart>> parts = new ArrayList<>();
          for (int i = 0; i < parallel; i++) {
            int partNumber = i + 1;
            long len = Math.min(partSize, size - i * partSize);
            int seed = round * 1000 + i;
            parts.add(
                pool.submit(
                    () -> uploads.uploadPart(h, partNumber, new PatternStream(len, seed), len)));
          }
          List<CompletedPart> done = new ArrayList<>();
          for (Future<CompletedPart> f : parts) {
            done.add(f.get());
          }
          done.sort(Comparator.comparingInt(CompletedPart::partNumber));
          uploads.complete(h, done);
          putN.add(rate(size, t0));
          check(store.head(partsKey).size() == size, "assembled object has the wrong size");
          store.delete(partsKey);
        }

        t0 = System.nanoTime();
        long n = drain(store.read(key, null, null));
        read1.add(rate(size, t0));
        check(n == size, "single-stream read returned " + n + " bytes, expected " + size);

        t0 = System.nanoTime();
        List<Future<Long>> reads = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
          long first = i * partSize;
          long len = Math.min(partSize, size - first);
          reads.add(
              pool.submit(() -> drain(store.read(key, ByteRange.ofLength(first, len), null))));
        }
        long total = 0;
        for (Future<Long> f : reads) {
          total += f.get();
        }
        readN.add(rate(size, t0));
        check(total == size, "ranged reads returned " + total + " bytes, expected " + size);
        store.delete(key);
      }
    } finally {
      pool.shutdownNow();
    }
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s |",
        label,
        median(put1),
        partsGap == null ? median(putN) : "n/a (" + partsGap + ")",
        median(read1),
        median(readN));
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static double rate(long bytes, long startNanos) {
    return bytes / (double) MIB / ((System.nanoTime() - startNanos) / 1e9);
  }

  private static String median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    double m = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return String.format(Locale.ROOT, "%.0f", m);
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[256 * 1024];
    long n = 0;
    try (in) {
      for (int r; (r = in.read(buf)) >= 0; ) {
        n += r;
      }
    }
    return n;
  }

  /** LENGTH bytes of a random 4 MiB block repeated, generated on the fly (never all in memory). */
  private static final class PatternStream extends InputStream {
    private static final byte[] BLOCK = new byte[4 * MIB];

    static {
      new Random(42).nextBytes(BLOCK);
    }

    private long remaining;
    private int pos;

    PatternStream(long length, int seed) {
      this.remaining = length;
      this.pos = Math.floorMod(seed * 7919, BLOCK.length);
    }

    @Override
    public int read() {
      if (remaining <= 0) {
        return -1;
      }
      remaining--;
      int b = BLOCK[pos] & 0xff;
      pos = (pos + 1) % BLOCK.length;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining <= 0) {
        return -1;
      }
      int n = (int) Math.min(Math.min(len, remaining), BLOCK.length - pos);
      System.arraycopy(BLOCK, pos, b, off, n);
      pos = (pos + n) % BLOCK.length;
      remaining -= n;
      return n;
    }
  }
}
