package io.skyrelay.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.metrics.ModelPrices;
import io.skyrelay.gateway.metrics.Prices;
import io.skyrelay.gateway.namespace.CopyStatus;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.namespace.PhysicalCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The replay policies run live: three regions over temporary folders, priced as three cloud
 * regions, with a clock the test moves. Driven through the gateway's S3 endpoints by the AWS SDK.
 */
class GatewayPlacementTest {

  // Priced so that, read from B, a copy in C (AWS to AWS) is cheaper than one in A (out of Azure).
  private static final String A = "local:a";
  private static final String B = "local:b";
  private static final String C = "local:c";
  private static final AccessKey KEY =
      new AccessKey("PLACEMENTTESTKEY", "placement-test-secret-4fQ2");

  @TempDir static Path dir;
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private static GatewayConfig config;
  private static Gateway gateway;
  private static S3Client a;
  private static S3Client b;

  @BeforeAll
  static void start() throws Exception {
    config =
        new GatewayConfig(
            dir.resolve("db").toString(),
            List.of(
                region(A, "azure:westeurope"),
                region(B, "aws:us-east-1"),
                region(C, "aws:us-east-2")),
            List.of(
                new BucketConfig("ttl", "ttl:1h"),
                new BucketConfig("lru", "lru:2500B"),
                new BucketConfig("pushed", "push:" + C),
                new BucketConfig("evict", "pull-evict"),
                new BucketConfig("single", "single:" + C)),
            "replicate-all",
            List.of(KEY));
    gateway = Gateway.start(config, clock);
    a = GatewayS3Test.client(gateway.endpoint(A), KEY.secret(), KEY.id());
    b = GatewayS3Test.client(gateway.endpoint(B), KEY.secret(), KEY.id());
  }

  private static RegionConfig region(String label, String pricesAs) {
    String folder = label.substring("local:".length());
    return new RegionConfig(
        label, "127.0.0.1", 0, dir.resolve(folder).toUri().toString(), Map.of(), pricesAs);
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.close();
      b.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] x = new byte[n];
    new Random(seed).nextBytes(x);
    return x;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** The ready version's copy in {@code region}, ready or not. */
  private static Optional<PhysicalCopy> copy(String bucket, String key, String region) {
    ObjectVersion ready = gateway.namespace().readyVersion(bucket, key).orElseThrow();
    return gateway.namespace().versions(bucket, key).stream()
        .filter(v -> v.versionId().equals(ready.versionId()))
        .flatMap(v -> v.copies().stream())
        .filter(c -> c.region().equals(region))
        .findFirst();
  }

  private static boolean readyIn(String bucket, String key, String region) {
    return copy(bucket, key, region).filter(c -> c.status() == CopyStatus.READY).isPresent();
  }

  private static Path file(String region, PhysicalCopy c) {
    return dir.resolve(region.substring("local:".length())).resolve(c.physicalKey());
  }

  /** Reads through {@code client}, checks the bytes, and returns the region that served them. */
  private static String get(S3Client client, String bucket, String key, byte[] expected)
      throws Exception {
    try (ResponseInputStream<GetObjectResponse> in =
        client.getObject(r -> r.bucket(bucket).key(key))) {
      assertArrayEquals(expected, in.readAllBytes());
      return in.response().sdkHttpResponse().firstMatchingHeader("x-skyrelay-served-from").get();
    }
  }

  @Test
  void ttlPullsACopyThatAHitRefreshesAndTheEvictorRemovesWhenItExpires() throws Exception {
    byte[] data = bytes(200_000, 1);
    a.putObject(r -> r.bucket("ttl").key("doc"), RequestBody.fromBytes(data));

    Instant firstRead = clock.instant();
    assertEquals(A, get(b, "ttl", "doc", data), "the first read in B is remote");
    await("the copy pulled into B", () -> readyIn("ttl", "doc", B));
    PhysicalCopy pulled = copy("ttl", "doc", B).orElseThrow();
    assertFalse(pulled.base());
    assertEquals(firstRead.plus(Duration.ofHours(1)), pulled.expiresAt());
    assertArrayEquals(data, Files.readAllBytes(file(B, pulled)));

    clock.advance(Duration.ofMinutes(30));
    Instant hit = clock.instant();
    assertEquals(B, get(b, "ttl", "doc", data), "the second read in B is a local hit");
    assertEquals(
        hit.plus(Duration.ofHours(1)),
        copy("ttl", "doc", B).orElseThrow().expiresAt(),
        "the hit restarts the copy's hour");

    clock.advance(Duration.ofMinutes(59));
    gateway.evictNow();
    assertTrue(readyIn("ttl", "doc", B), "refreshed: not expired yet");
    assertTrue(Files.exists(file(B, pulled)));

    clock.advance(Duration.ofMinutes(2));
    gateway.evictNow();
    assertTrue(copy("ttl", "doc", B).isEmpty(), "B's copy is forgotten");
    assertFalse(Files.exists(file(B, pulled)), "and its bytes removed");
    PhysicalCopy base = copy("ttl", "doc", A).orElseThrow();
    assertTrue(base.base());
    assertArrayEquals(data, Files.readAllBytes(file(A, base)), "the base copy is kept");
    assertEquals(A, get(b, "ttl", "doc", data), "reads through B still work");
  }

  @Test
  void theBaseCopyIsNeverEvictedNorALastCopy() throws Exception {
    byte[] data = bytes(1_000, 2);
    a.putObject(r -> r.bucket("ttl").key("only"), RequestBody.fromBytes(data));
    clock.advance(Duration.ofDays(30));
    gateway.evictNow();
    assertTrue(readyIn("ttl", "only", A));
    assertEquals(A, get(a, "ttl", "only", data));
  }

  @Test
  void aRangedReadLeavesNoCopy() throws Exception {
    byte[] data = bytes(50_000, 3);
    a.putObject(r -> r.bucket("ttl").key("ranged"), RequestBody.fromBytes(data));
    byte[] part =
        b.getObjectAsBytes(r -> r.bucket("ttl").key("ranged").range("bytes=100-199")).asByteArray();
    assertEquals(100, part.length);
    assertTrue(copy("ttl", "ranged", B).isEmpty());
  }

  @Test
  void lruEvictsTheLeastRecentlyReadCopyWhenARegionOverflows() throws Exception {
    byte[][] data = {bytes(1_000, 11), bytes(1_000, 12), bytes(1_000, 13)};
    for (int i = 0; i < 3; i++) {
      int k = i;
      a.putObject(r -> r.bucket("lru").key("o" + k), RequestBody.fromBytes(data[k]));
    }
    clock.advance(Duration.ofSeconds(1));
    assertEquals(A, get(b, "lru", "o0", data[0]));
    await("o0 in B", () -> readyIn("lru", "o0", B));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(A, get(b, "lru", "o1", data[1]));
    await("o1 in B", () -> readyIn("lru", "o1", B));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(B, get(b, "lru", "o0", data[0]), "o0 read again: now the most recent");
    clock.advance(Duration.ofSeconds(1));
    PhysicalCopy o1 = copy("lru", "o1", B).orElseThrow();
    assertEquals(A, get(b, "lru", "o2", data[2]));
    await("o2 in B", () -> readyIn("lru", "o2", B));

    // 3,000 bytes of pulled copies in B, 2,500 allowed: the least recently read, o1, goes.
    gateway.evictNow();
    await("o1 evicted from B", () -> copy("lru", "o1", B).isEmpty());
    assertFalse(Files.exists(file(B, o1)));
    assertTrue(readyIn("lru", "o0", B));
    assertTrue(readyIn("lru", "o2", B));
    assertTrue(readyIn("lru", "o1", A), "the base copy stays");
    assertEquals(A, get(b, "lru", "o1", data[1]));
  }

  @Test
  void aReadIsServedFromTheCheapestCopyNotTheFirstRegion() throws Exception {
    byte[] data = bytes(100_000, 4);
    a.putObject(r -> r.bucket("pushed").key("k"), RequestBody.fromBytes(data));
    await("the replica pushed to C", () -> readyIn("pushed", "k", C));
    // B is priced as aws:us-east-1: from C (aws:us-east-2) egress is 0.01 $/GB, from A (Azure)
    // 0.0875 $/GB, though A comes first in the configuration.
    assertEquals(C, get(b, "pushed", "k", data));
    assertTrue(copy("pushed", "k", B).isEmpty(), "push keeps no copy where it reads");
  }

  @Test
  void theCostMetricsUseThePoliciesPrices() {
    Prices prices = new ModelPrices(config.costModel());
    assertEquals(0.01 / 1e9, prices.egressUsdPerByte(C, B), 1e-18, "aws:us-east-2 to us-east-1");
    assertEquals(0.0875 / 1e9, prices.egressUsdPerByte(A, B), 1e-18, "azure to aws");
    assertEquals(4.3e-7, prices.requestUsd(A, false), 1e-15);
    assertEquals(5e-6, prices.requestUsd(B, true), 1e-15);
    assertEquals(0, prices.egressUsdPerByte("local:elsewhere", B));
  }

  @Test
  void pullEvictLeavesNoCopy() throws Exception {
    byte[] data = bytes(20_000, 5);
    a.putObject(r -> r.bucket("evict").key("k"), RequestBody.fromBytes(data));
    assertEquals(A, get(b, "evict", "k", data));
    assertEquals(A, get(b, "evict", "k", data), "still remote: no copy was kept");
    assertTrue(copy("evict", "k", B).isEmpty());
  }

  @Test
  void singleStoresWritesInItsRegion() throws Exception {
    byte[] data = bytes(5_000, 6);
    a.putObject(r -> r.bucket("single").key("k"), RequestBody.fromBytes(data));
    ObjectVersion v = gateway.namespace().readyVersion("single", "k").orElseThrow();
    assertEquals(C, v.baseRegion());
    assertEquals(List.of(C), v.copies().stream().map(PhysicalCopy::region).toList());
    assertEquals(C, get(a, "single", "k", data));
    assertNull(copy("single", "k", A).orElse(null));
  }

  @Test
  void aReadCutShortLeavesNothingHalfWritten() throws Exception {
    // Larger than what the sockets between them buffer, so the gateway cannot send it all.
    byte[] data = bytes(24 << 20, 7);
    a.putObject(r -> r.bucket("ttl").key("big"), RequestBody.fromBytes(data));
    try (ResponseInputStream<GetObjectResponse> in = b.getObject(r -> r.bucket("ttl").key("big"))) {
      byte[] some = new byte[1000];
      assertEquals(1000, in.readNBytes(some, 0, 1000));
      assertEquals(
          CopyStatus.PENDING,
          copy("ttl", "big", B).orElseThrow().status(),
          "the copy being pulled is pending while the read goes on");
      in.abort();
    }
    // The server notices the client went when its writes fail; then the pending copy is dropped.
    await("the pending copy in B dropped", () -> copy("ttl", "big", B).isEmpty());
    try (Stream<Path> files = Files.walk(dir.resolve("b"))) {
      assertTrue(
          files.filter(Files::isRegularFile).noneMatch(p -> p.toString().contains("big~")),
          "no bytes of it in B's folder");
    }
  }
}
