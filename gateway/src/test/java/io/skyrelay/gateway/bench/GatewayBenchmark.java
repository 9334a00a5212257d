package io.skyrelay.gateway.bench;

import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The gateway against the store behind it: one S3Proxy on disk, reached directly and through a
 * one-region gateway whose region store is a bucket of that same S3Proxy, by the same AWS SDK
 * client. Large objects: MiB/s of PUT and GET; small objects: median and p90 latency of PUT, GET
 * and HEAD of 1 KiB objects, one request at a time. Rounds alternate between the two targets;
 * figures are medians over rounds. Not a test: run it with {@code bench/gateway.sh}.
 *
 * <p>Arguments: {@code [SIZES_MIB [ROUNDS [SMALL_REQUESTS]]]}, defaults {@code 1,16,256,1024 3
 * 500}.
 */
public final class GatewayBenchmark {

  private static final int MIB = 1 << 20;

  public static void main(String[] args) throws Exception {
    int[] sizes =
        Arrays.stream((args.length > 0 ? args[0] : "1,16,256,1024").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int small = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    Path work = Files.createTempDirectory("skyrelay-gateway-bench");
    AccessKey key = new AccessKey("GATEWAYBENCH", "gateway-bench-secret-0dKq");
    try (S3ProxyServer s3 = S3ProxyServer.startOnDisk(work.resolve("s3proxy"))) {
      s3.createBucket("direct");
      s3.createBucket("regions");
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("endpoint", s3.endpoint().toString());
      settings.put("region", "us-east-1");
      settings.put("access-key-id", S3ProxyServer.ACCESS_KEY);
      settings.put("secret-access-key", S3ProxyServer.SECRET_KEY);
      GatewayConfig config =
          new GatewayConfig(
              work.resolve("namespace").toString(),
              List.of(new RegionConfig("local:bench", "127.0.0.1", 0, "s3://regions/a", settings)),
              List.of(new BucketConfig("viagw", "replicate-all")),
              "replicate-all",
              List.of(key));
      try (Gateway gateway = Gateway.start(config);
          S3Client direct =
              client(s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
          S3Client viaGateway = client(gateway.endpoint("local:bench"), key.id(), key.secret())) {
        Target[] targets = {
          new Target("S3Proxy directly", direct, "direct"),
          new Target("through the gateway", viaGateway, "viagw")
        };
        System.out.printf(
            Locale.ROOT,
            "Median of %d rounds, alternating targets; one client stream; MiB/s.%n%n",
            rounds);
        System.out.println(
            "| object | PUT direct | PUT gateway | ratio | GET direct | GET gateway | ratio |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int mib : sizes) {
          long size = (long) mib * MIB;
          double[][] put = new double[2][rounds];
          double[][] get = new double[2][rounds];
          for (int r = 0; r < rounds; r++) {
            for (int t = 0; t < 2; t++) {
              int i = r % 2 == 0 ? t : 1 - t;
              put[i][r] = mibPerSecond(size, () -> putObject(targets[i], "big", size));
              get[i][r] = mibPerSecond(size, () -> getObject(targets[i], "big", size));
            }
          }
          double pd = median(put[0]);
          double pg = median(put[1]);
          double gd = median(get[0]);
          double gg = median(get[1]);
          System.out.printf(
              Locale.ROOT,
              "| %d MiB | %.0f | %.0f | %.2fx | %.0f | %.0f | %.2fx |%n",
              mib,
              pd,
              pg,
              pg / pd,
              gd,
              gg,
              gg / gd);
          for (Target t : targets) {
            t.client.deleteObject(b -> b.bucket(t.bucket).key("big"));
          }
        }
        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "1 KiB objects, %d requests of each kind per round, one at a time; milliseconds.%n%n",
            small);
        System.out.println(
            "| request | median direct | median gateway | added | p90 direct | p90 gateway |");
        System.out.println("|---|---|---|---|---|---|");
        String[] kinds = {"PUT", "GET", "HEAD"};
        double[][][] medians = new double[3][2][rounds];
        double[][][] p90s = new double[3][2][rounds];
        byte[] kib = new byte[1024];
        new Random(1).nextBytes(kib);
        for (int r = 0; r < rounds; r++) {
          for (int t = 0; t < 2; t++) {
            int i = r % 2 == 0 ? t : 1 - t;
            Target target = targets[i];
            double[][] ms = new double[3][small];
            for (int n = 0; n < small; n++) {
              String k = "small/" + n;
              long a = System.nanoTime();
              target.client.putObject(
                  b -> b.bucket(target.bucket).key(k), RequestBody.fromBytes(kib));
              long b1 = System.nanoTime();
              target.client.getObjectAsBytes(b -> b.bucket(target.bucket).key(k));
              long c = System.nanoTime();
              target.client.headObject(b -> b.bucket(target.bucket).key(k));
              long d = System.nanoTime();
              ms[0][n] = (b1 - a) / 1e6;
              ms[1][n] = (c - b1) / 1e6;
              ms[2][n] = (d - c) / 1e6;
            }
            for (int k = 0; k < 3; k++) {
              Arrays.sort(ms[k]);
              medians[k][i][r] = ms[k][small / 2];
              p90s[k][i][r] = ms[k][(int) (small * 0.9)];
            }
          }
        }
        for (int k = 0; k < 3; k++) {
          double md = median(medians[k][0]);
          double mg = median(medians[k][1]);
          System.out.printf(
              Locale.ROOT,
              "| %s | %.2f | %.2f | %+.2f | %.2f | %.2f |%n",
              kinds[k],
              md,
              mg,
              mg - md,
              median(p90s[k][0]),
              median(p90s[k][1]));
        }
      }
    } finally {
      deleteTree(work);
    }
  }

  private record Target(String name, S3Client client, String bucket) {}

  private static S3Client client(URI endpoint, String id, String secret) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .serviceConfiguration(
            S3Configuration.builder()
                .pathStyleAccessEnabled(true)
                .checksumValidationEnabled(false)
                .build())
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)))
        .build();
  }

  private static void putObject(Target t, String key, long size) {
    t.client.putObject(
        b -> b.bucket(t.bucket).key(key),
        RequestBody.fromContentProvider(
            () -> new PatternStream(size), size, "application/octet-stream"));
  }

  private static void getObject(Target t, String key, long size) {
    long n =
        t.client.getObject(
            b -> b.bucket(t.bucket).key(key),
            ResponseTransformer.unmanaged(
                (response, in) -> {
                  try (InputStream body = in) {
                    return body.transferTo(OutputStream.nullOutputStream());
                  }
                }));
    if (n != size) {
      throw new IllegalStateException(t.name + ": read " + n + " bytes of " + size);
    }
  }

  private static double mibPerSecond(long size, Runnable run) {
    long start = System.nanoTime();
    run.run();
    return size / (double) MIB / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** {@code size} bytes of a repeating pseudo-random block, produced as they are read. */
  private static final class PatternStream extends InputStream {
    private static final byte[] BLOCK = new byte[1 << 16];

    static {
      new Random(7).nextBytes(BLOCK);
    }

    private long left;

    PatternStream(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      return BLOCK[(int) (left-- % BLOCK.length)] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      int done = 0;
      while (done < n) {
        int at = (int) ((left - done) % BLOCK.length);
        int chunk = Math.min(n - done, BLOCK.length - at);
        System.arraycopy(BLOCK, at, b, off + done, chunk);
        done += chunk;
      }
      left -= n;
      return n;
    }
  }

  private static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      List<Path> all = new ArrayList<>(walk.toList());
      java.util.Collections.reverse(all);
      for (Path q : all) {
        Files.deleteIfExists(q);
      }
    }
  }
}
