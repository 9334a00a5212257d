package io.skyrelay.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.namespace.CopyStatus;
import io.skyrelay.gateway.namespace.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two gateway regions over temporary folders, driven by the AWS SDK's S3 client (a client Skyrelay
 * did not write).
 */
class GatewayS3Test {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final AccessKey KEY =
      new AccessKey("GATEWAYTESTKEY", "gateway-test-secret-81kP0w");

  @TempDir static Path dir;
  private static Gateway gateway;
  private static S3Client east;
  private static S3Client west;

  @BeforeAll
  static void start() throws Exception {
    GatewayConfig config =
        new GatewayConfig(
            dir.resolve("db").toString(),
            List.of(
                new RegionConfig(
                    EAST, "127.0.0.1", 0, dir.resolve("east").toUri().toString(), Map.of()),
                new RegionConfig(
                    WEST, "127.0.0.1", 0, dir.resolve("west").toUri().toString(), Map.of())),
            List.of(
                new BucketConfig("shared", "replicate-all"),
                new BucketConfig("local-only", "pull-evict")),
            "replicate-all",
            List.of(KEY));
    gateway = Gateway.start(config);
    east = client(gateway.endpoint(EAST), KEY.secret());
    west = client(gateway.endpoint(WEST), KEY.secret());
  }

  @AfterAll
  static void stop() {
    if (east != null) {
      east.close();
      west.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  static S3Client client(URI endpoint, String secret) {
    return client(endpoint, secret, KEY.id());
  }

  static S3Client client(URI endpoint, String secret, String keyId) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
        .build();
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void putThroughOneRegionGetThroughTheOtherAndReplicaLandsOnDisk() throws Exception {
    byte[] data = bytes(300_000, 1);
    east.putObject(
        b ->
            b.bucket("shared")
                .key("photos/cat.jpg")
                .contentType("image/jpeg")
                .metadata(Map.of("owner", "alice")),
        RequestBody.fromBytes(data));

    ResponseBytes<GetObjectResponse> got =
        west.getObjectAsBytes(b -> b.bucket("shared").key("photos/cat.jpg"));
    assertArrayEquals(data, got.asByteArray());
    assertEquals("image/jpeg", got.response().contentType());
    assertEquals(Map.of("owner", "alice"), got.response().metadata());

    HeadObjectResponse head = west.headObject(b -> b.bucket("shared").key("photos/cat.jpg"));
    assertEquals(data.length, head.contentLength());
    assertEquals("alice", head.metadata().get("owner"));

    // replicate-all: the copy appears in the other region's folder, under the bucket's prefix,
    // and becomes the one the other region serves.
    await(
        "the replica in west to be ready",
        () ->
            gateway
                    .namespace()
                    .readyVersion("shared", "photos/cat.jpg")
                    .orElseThrow()
                    .copies()
                    .size()
                == 2);
    List<Path> westFiles = filesUnder(dir.resolve("west").resolve("shared").resolve("photos"));
    assertEquals(1, westFiles.size(), "one copy in west: " + westFiles);
    assertArrayEquals(data, Files.readAllBytes(westFiles.get(0)));
    try (ResponseInputStream<GetObjectResponse> in =
        west.getObject(b -> b.bucket("shared").key("photos/cat.jpg"))) {
      assertEquals(
          WEST,
          in.response()
              .sdkHttpResponse()
              .firstMatchingHeader("x-skyrelay-served-from")
              .orElse(null));
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void remoteReadIsServedFromTheRegionHoldingTheCopy() throws Exception {
    byte[] data = bytes(10_000, 2);
    east.putObject(b -> b.bucket("local-only").key("k"), RequestBody.fromBytes(data));
    try (ResponseInputStream<GetObjectResponse> in =
        west.getObject(b -> b.bucket("local-only").key("k"))) {
      assertArrayEquals(data, in.readAllBytes());
      assertEquals(
          EAST,
          in.response()
              .sdkHttpResponse()
              .firstMatchingHeader("x-skyrelay-served-from")
              .orElse(null));
    }
    // pull-evict keeps no copy in the reader's region
    assertEquals(
        List.of(EAST),
        gateway.namespace().readyVersion("local-only", "k").orElseThrow().copies().stream()
            .map(c -> c.region())
            .toList());
  }

  @Test
  void rangeGet() {
    byte[] data = bytes(100_000, 3);
    east.putObject(b -> b.bucket("shared").key("ranged"), RequestBody.fromBytes(data));
    ResponseBytes<GetObjectResponse> part =
        west.getObjectAsBytes(b -> b.bucket("shared").key("ranged").range("bytes=1000-1999"));
    byte[] expected = new byte[1000];
    System.arraycopy(data, 1000, expected, 0, 1000);
    assertArrayEquals(expected, part.asByteArray());
    assertEquals("bytes 1000-1999/100000", part.response().contentRange());

    ResponseBytes<GetObjectResponse> tail =
        west.getObjectAsBytes(b -> b.bucket("shared").key("ranged").range("bytes=-10"));
    byte[] last = new byte[10];
    System.arraycopy(data, data.length - 10, last, 0, 10);
    assertArrayEquals(last, tail.asByteArray());

    S3Exception e =
        assertThrows(
            S3Exception.class,
            () ->
                west.getObjectAsBytes(
                    b -> b.bucket("shared").key("ranged").range("bytes=200000-")));
    assertEquals(416, e.statusCode());
  }

  @Test
  void overwriteChangesTheEtagAndRemovesTheOldCopies() throws Exception {
    PutObjectResponse first =
        east.putObject(b -> b.bucket("shared").key("doc"), RequestBody.fromString("version one"));
    PutObjectResponse second =
        west.putObject(b -> b.bucket("shared").key("doc"), RequestBody.fromString("version two!"));
    assertNotEquals(first.eTag(), second.eTag());
    assertEquals(
        "version two!", east.getObjectAsBytes(b -> b.bucket("shared").key("doc")).asUtf8String());
    assertEquals(second.eTag(), east.headObject(b -> b.bucket("shared").key("doc")).eTag());
    // the first version's copies go, in both regions
    await(
        "the old version to be removed",
        () -> gateway.namespace().versions("shared", "doc").size() == 1);
    await(
        "one file per region",
        () ->
            filesUnder(dir.resolve("east").resolve("shared")).stream()
                    .filter(p -> p.getFileName().toString().startsWith("doc~"))
                    .count()
                == 1);
  }

  @Test
  void deleteObjectAndBucket() throws Exception {
    east.createBucket(b -> b.bucket("to-delete"));
    assertTrue(
        west.listBuckets().buckets().stream().map(Bucket::name).toList().contains("to-delete"));
    west.headBucket(b -> b.bucket("to-delete"));
    east.putObject(b -> b.bucket("to-delete").key("a/b"), RequestBody.fromString("x"));

    S3Exception notEmpty =
        assertThrows(S3Exception.class, () -> west.deleteBucket(b -> b.bucket("to-delete")));
    assertEquals("BucketNotEmpty", notEmpty.awsErrorDetails().errorCode());

    west.deleteObject(b -> b.bucket("to-delete").key("a/b"));
    assertThrows(
        NoSuchKeyException.class,
        () -> east.getObjectAsBytes(b -> b.bucket("to-delete").key("a/b")));
    east.deleteBucket(b -> b.bucket("to-delete"));
    assertThrows(NoSuchBucketException.class, () -> west.headBucket(b -> b.bucket("to-delete")));
    assertThrows(
        NoSuchBucketException.class,
        () -> west.getObjectAsBytes(b -> b.bucket("to-delete").key("a/b")));
    assertThrows(
        NoSuchKeyException.class, () -> west.getObjectAsBytes(b -> b.bucket("shared").key("nope")));
  }

  @Test
  void listingOfManyKeysPagesWithDelimiter() throws Exception {
    east.createBucket(b -> b.bucket("many"));
    // 1,050 keys: 1,000 below 10 folders and 50 at the top level
    TreeSet<String> keys = new TreeSet<>();
    for (int i = 0; i < 1000; i++) {
      keys.add(String.format("dir%02d/file%04d", i % 10, i));
    }
    for (int i = 0; i < 50; i++) {
      keys.add(String.format("top%03d", i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<?>> puts = new ArrayList<>();
      for (String k : keys) {
        puts.add(
            CompletableFuture.runAsync(
                () -> east.putObject(b -> b.bucket("many").key(k), RequestBody.fromString(k)),
                pool));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdown();
    }

    // flat, 100 per page: every key once, in order
    List<String> flat = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListObjectsV2Response page =
          west.listObjectsV2(
              ListObjectsV2Request.builder()
                  .bucket("many")
                  .maxKeys(100)
                  .continuationToken(t)
                  .build());
      assertTrue(page.keyCount() <= 100);
      page.contents().forEach(o -> flat.add(o.key()));
      token = page.isTruncated() ? page.nextContinuationToken() : null;
      pages++;
    } while (token != null);
    assertEquals(new ArrayList<>(keys), flat);
    assertEquals(11, pages);

    // with a delimiter, 7 per page: the 10 folders rolled up, the 50 top keys listed
    List<String> prefixes = new ArrayList<>();
    List<String> top = new ArrayList<>();
    token = null;
    do {
      String t = token;
      ListObjectsV2Response page =
          west.listObjectsV2(
              ListObjectsV2Request.builder()
                  .bucket("many")
                  .delimiter("/")
                  .maxKeys(7)
                  .continuationToken(t)
                  .build());
      assertTrue(page.keyCount() <= 7);
      page.commonPrefixes().stream().map(CommonPrefix::prefix).forEach(prefixes::add);
      page.contents().stream().map(S3Object::key).forEach(top::add);
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    assertEquals(10, prefixes.size());
    assertEquals("dir00/", prefixes.get(0));
    assertEquals(50, top.size());

    // a prefix and delimiter inside one folder
    ListObjectsV2Response inDir =
        east.listObjectsV2(b -> b.bucket("many").prefix("dir03/").delimiter("/").maxKeys(1000));
    assertEquals(100, inDir.contents().size());
    assertTrue(inDir.commonPrefixes().isEmpty());
    assertFalse(inDir.isTruncated());
  }

  @Test
  void listObjectsVersionOnePagesByMarker() {
    east.createBucket(b -> b.bucket("list-v1"));
    for (String k : List.of("a", "b/1", "b/2", "c", "d")) {
      east.putObject(b -> b.bucket("list-v1").key(k), RequestBody.fromString(k));
    }
    List<String> seen = new ArrayList<>();
    String marker = null;
    boolean truncated;
    do {
      String m = marker;
      ListObjectsResponse page =
          west.listObjects(b -> b.bucket("list-v1").delimiter("/").maxKeys(2).marker(m));
      page.contents().forEach(o -> seen.add(o.key()));
      page.commonPrefixes().forEach(p -> seen.add(p.prefix()));
      truncated = page.isTruncated();
      marker = page.nextMarker();
    } while (truncated);
    assertEquals(List.of("a", "b/", "c", "d"), seen.stream().sorted().toList());
  }

  @Test
  void wrongSecretIsRefused() {
    try (S3Client bad = client(gateway.endpoint(EAST), "not-the-secret-at-all")) {
      S3Exception e = assertThrows(S3Exception.class, () -> bad.listBuckets());
      assertTrue(
          List.of("SignatureDoesNotMatch", "AccessDenied", "InvalidAccessKeyId")
              .contains(e.awsErrorDetails().errorCode()),
          e.awsErrorDetails().errorCode());
      assertThrows(
          S3Exception.class,
          () ->
              bad.putObject(b -> b.bucket("shared").key("intruder"), RequestBody.fromString("x")));
    }
    assertThrows(
        NoSuchKeyException.class, () -> east.headObject(b -> b.bucket("shared").key("intruder")));
  }

  @Test
  void aWriteInProgressIsNotVisible() throws Exception {
    east.putObject(b -> b.bucket("shared").key("slow"), RequestBody.fromString("old"));
    CountDownLatch release = new CountDownLatch(1);
    byte[] data = bytes(200_000, 4);
    InputStream blocking = haltingHalfway(data, release);
    CompletableFuture<PutObjectResponse> put =
        CompletableFuture.supplyAsync(
            () ->
                east.putObject(
                    b -> b.bucket("shared").key("slow"),
                    RequestBody.fromInputStream(blocking, data.length)));
    try {
      await(
          "the write to be pending",
          () ->
              gateway.namespace().versions("shared", "slow").stream()
                  .anyMatch(v -> v.status() == CopyStatus.PENDING));
      // readers in both regions still see the old version, and nothing of the new one
      assertEquals(
          "old", west.getObjectAsBytes(b -> b.bucket("shared").key("slow")).asUtf8String());
      assertEquals(
          "old", east.getObjectAsBytes(b -> b.bucket("shared").key("slow")).asUtf8String());
      assertEquals(
          3L, east.listObjectsV2(b -> b.bucket("shared").prefix("slow")).contents().get(0).size());
    } finally {
      release.countDown();
    }
    put.get(30, TimeUnit.SECONDS);
    assertArrayEquals(
        data, west.getObjectAsBytes(b -> b.bucket("shared").key("slow")).asByteArray());
    ObjectVersion v = gateway.namespace().readyVersion("shared", "slow").orElseThrow();
    assertEquals(data.length, v.size());
  }

  /** A body that gives the first half of {@code data}, then waits for {@code release}. */
  static InputStream haltingHalfway(byte[] data, CountDownLatch release) {
    return new InputStream() {
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= data.length) {
          return -1;
        }
        int half = data.length / 2;
        if (pos == half) {
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        int n = Math.min(len, (pos < half ? half : data.length) - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  @Test
  void aBodyNotMatchingItsContentMd5IsRefusedAndNothingIsVisible() {
    String wrongMd5 = java.util.Base64.getEncoder().encodeToString(new byte[16]);
    S3Exception e =
        assertThrows(
            S3Exception.class,
            () ->
                east.putObject(
                    b -> b.bucket("shared").key("damaged").contentMD5(wrongMd5),
                    RequestBody.fromString("these bytes are not the promised ones")));
    assertEquals("BadDigest", e.awsErrorDetails().errorCode());
    assertThrows(
        NoSuchKeyException.class, () -> west.headObject(b -> b.bucket("shared").key("damaged")));
    assertTrue(gateway.namespace().versions("shared", "damaged").isEmpty());
  }

  @Test
  void keysThatWouldLeaveTheRegionFolderAreRefused() {
    S3Exception e =
        assertThrows(
            S3Exception.class,
            () ->
                east.putObject(
                    b -> b.bucket("shared").key("../../escape"), RequestBody.fromString("x")));
    assertEquals(400, e.statusCode());
    assertFalse(Files.exists(dir.resolve("escape")));
    assertFalse(Files.exists(dir.getParent().resolve("escape")));
  }

  static List<Path> filesUnder(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
