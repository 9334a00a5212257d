package io.skyrelay.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.ArchiveConfig;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.imports.BucketImport;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The archive tier and imports, through the gateway's S3 endpoint: objects archived the way the
 * sync job's archive mode archives them (its copier, same relative key) are read through, restored
 * when the bucket says so, listed once beside the hot tier, and stay deleted once deleted.
 */
class GatewayArchiveTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final String SERVED_FROM = "x-skyrelay-served-from";
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
                new BucketConfig("cold", "pull-evict", archive("cold", false)),
                new BucketConfig("warm", "pull-evict", archive("warm", true)),
                new BucketConfig("mixed", "pull-evict", archive("mixed", false)),
                new BucketConfig("imported", "pull-evict", archive("imported", false))),
            "replicate-all",
            List.of(KEY));
    gateway = Gateway.start(config);
    east = GatewayS3Test.client(gateway.endpoint(EAST), KEY.secret());
    west = GatewayS3Test.client(gateway.endpoint(WEST), KEY.secret());
  }

  private static ArchiveConfig archive(String bucket, boolean restore) {
    return new ArchiveConfig(archiveUri(bucket), Map.of(), restore);
  }

  private static String archiveUri(String bucket) {
    return dir.resolve("archive").resolve(bucket).toUri().toString();
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

  /**
   * Archives {@code key} as the sync job does: the object is written to the mapping's source, then
   * copied whole (content type and user metadata included) to the archive store under the same
   * relative key, and deleted at the source.
   */
  private static void archived(
      String bucket, String key, byte[] data, String contentType, Map<String, String> meta) {
    StoreLocation source =
        new StoreLocation(
            StoreUri.parse(dir.resolve("source").resolve(bucket).toUri().toString()),
            StoreSettings.EMPTY,
            null);
    StoreLocation archive =
        new StoreLocation(StoreUri.parse(archiveUri(bucket)), StoreSettings.EMPTY, null);
    try (ObjectStore from = source.open();
        ObjectStore to = archive.open()) {
      from.put(
          source.keyOf(key),
          new ByteArrayInputStream(data),
          data.length,
          PutOptions.of(contentType, meta));
      ObjectInfo info = from.head(source.keyOf(key));
      new ObjectCopier(from, source, to, archive, true)
          .copyWhole(new ObjectEntry(key, info.size(), info.etag(), null, 0L));
      from.delete(source.keyOf(key));
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
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

  private static String servedFrom(software.amazon.awssdk.core.SdkResponse r) {
    return r.sdkHttpResponse().firstMatchingHeader(SERVED_FROM).orElse(null);
  }

  @Test
  void anArchivedOnlyObjectIsReadThrough() {
    byte[] data = bytes(100_000, 1);
    archived("cold", "docs/report.pdf", data, "application/pdf", Map.of("owner", "ann"));

    ResponseBytes<GetObjectResponse> full =
        west.getObjectAsBytes(b -> b.bucket("cold").key("docs/report.pdf"));
    assertArrayEquals(data, full.asByteArray());
    assertEquals("application/pdf", full.response().contentType());
    assertEquals(Map.of("owner", "ann"), full.response().metadata());
    assertEquals(
        "tier=archive; store=" + StoreUri.parse(archiveUri("cold")), servedFrom(full.response()));
    String etag = full.response().eTag();

    ResponseBytes<GetObjectResponse> part =
        west.getObjectAsBytes(b -> b.bucket("cold").key("docs/report.pdf").range("bytes=10-19"));
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, 20), part.asByteArray());
    assertEquals("bytes 10-19/100000", part.response().contentRange());

    S3Exception mismatch =
        assertThrows(
            S3Exception.class,
            () ->
                west.getObjectAsBytes(
                    b -> b.bucket("cold").key("docs/report.pdf").ifMatch("\"not-the-etag\"")));
    assertEquals(412, mismatch.statusCode());
    S3Exception unchanged =
        assertThrows(
            S3Exception.class,
            () ->
                west.getObjectAsBytes(
                    b -> b.bucket("cold").key("docs/report.pdf").ifNoneMatch(etag)));
    assertEquals(304, unchanged.statusCode());
    assertArrayEquals(
        data,
        west.getObjectAsBytes(b -> b.bucket("cold").key("docs/report.pdf").ifMatch(etag))
            .asByteArray());

    HeadObjectResponse head = east.headObject(b -> b.bucket("cold").key("docs/report.pdf"));
    assertEquals(100_000L, head.contentLength());
    assertEquals(etag, head.eTag());
    assertEquals("application/pdf", head.contentType());
    assertEquals(Map.of("owner", "ann"), head.metadata());
    assertEquals("tier=archive; store=" + StoreUri.parse(archiveUri("cold")), servedFrom(head));

    assertThrows(
        NoSuchKeyException.class, () -> west.headObject(b -> b.bucket("cold").key("docs/nope")));
    assertThrows(
        NoSuchKeyException.class,
        () -> west.getObjectAsBytes(b -> b.bucket("cold").key("docs/nope")));
    // the bucket does not restore: no version was even begun
    assertTrue(gateway.namespace().versions("cold", "docs/report.pdf").isEmpty());
  }

  @Test
  void aCompleteGetRestoresWhenTheBucketSaysSo() throws Exception {
    byte[] data = bytes(300_000, 2);
    archived("warm", "big.bin", data, "application/octet-stream", Map.of("k", "v"));

    // a range GET is not a complete read: nothing is restored
    west.getObjectAsBytes(b -> b.bucket("warm").key("big.bin").range("bytes=0-99"));
    assertTrue(gateway.namespace().versions("warm", "big.bin").isEmpty());

    ResponseBytes<GetObjectResponse> got =
        west.getObjectAsBytes(b -> b.bucket("warm").key("big.bin"));
    assertArrayEquals(data, got.asByteArray());
    assertTrue(servedFrom(got.response()).startsWith("tier=archive"));

    await(
        "the restored version",
        () -> gateway.namespace().readyVersion("warm", "big.bin").isPresent());
    ObjectVersion v = gateway.namespace().readyVersion("warm", "big.bin").orElseThrow();
    assertEquals(1, v.copies().size());
    assertEquals(WEST, v.copies().get(0).region());
    assertEquals(got.response().eTag(), "\"" + v.etag() + "\"");
    assertArrayEquals(
        data, Files.readAllBytes(dir.resolve("west").resolve(v.copies().get(0).physicalKey())));

    ResponseBytes<GetObjectResponse> again =
        west.getObjectAsBytes(b -> b.bucket("warm").key("big.bin"));
    assertArrayEquals(data, again.asByteArray());
    assertEquals(WEST, servedFrom(again.response()));
    assertEquals("application/octet-stream", again.response().contentType());
    assertEquals(Map.of("k", "v"), again.response().metadata());
  }

  @Test
  void aReadCutShortRestoresNothing() throws Exception {
    byte[] data = bytes(24 * 1024 * 1024, 3);
    archived("warm", "cut.bin", data, "application/octet-stream", Map.of());
    try (var in = east.getObject(b -> b.bucket("warm").key("cut.bin"))) {
      assertEquals(data[0], (byte) in.read());
      // the restore was begun as a pending version, which readers do not see
      assertFalse(gateway.namespace().versions("warm", "cut.bin").isEmpty());
      assertTrue(gateway.namespace().readyVersion("warm", "cut.bin").isEmpty());
      in.abort();
    }
    await(
        "the cut-off restore to be rolled back",
        () -> gateway.namespace().versions("warm", "cut.bin").isEmpty());
    assertTrue(gateway.namespace().readyVersion("warm", "cut.bin").isEmpty());
    try (var files = Files.walk(dir.resolve("east"))) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("cut.bin")));
    }
  }

  private static List<String> listV2(String bucket, String prefix, String delimiter, int pageSize) {
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListObjectsV2Response page =
          west.listObjectsV2(
              b ->
                  b.bucket(bucket)
                      .prefix(prefix)
                      .delimiter(delimiter)
                      .maxKeys(pageSize)
                      .continuationToken(t));
      assertTrue(page.keyCount() <= pageSize);
      List<String> names = new ArrayList<>();
      page.contents().stream().map(S3Object::key).forEach(names::add);
      page.commonPrefixes().stream().map(CommonPrefix::prefix).forEach(names::add);
      seen.addAll(names.stream().sorted().toList());
      token = page.isTruncated() ? page.nextContinuationToken() : null;
      assertTrue(++pages < 100, "the listing does not end");
    } while (token != null);
    return seen;
  }

  @Test
  void listingsMergeBothTiersEachKeyOnce() {
    for (String k : List.of("a", "c", "dir/1", "dir/3", "m")) {
      east.putObject(b -> b.bucket("mixed").key(k), RequestBody.fromString("hot " + k));
    }
    for (String k : List.of("b", "c", "dir/2", "dir2/x", "z")) {
      archived("mixed", k, ("archived " + k).getBytes(), "text/plain", Map.of());
    }
    List<String> flat = List.of("a", "b", "c", "dir/1", "dir/2", "dir/3", "dir2/x", "m", "z");
    List<String> rolled = List.of("a", "b", "c", "dir/", "dir2/", "m", "z");
    for (int size : new int[] {1, 2, 1000}) {
      assertEquals(flat, listV2("mixed", null, null, size), "page size " + size);
      assertEquals(rolled, listV2("mixed", null, "/", size), "page size " + size);
      assertEquals(List.of("dir/1", "dir/2", "dir/3"), listV2("mixed", "dir/", "/", size));
    }

    ListObjectsV2Response all = west.listObjectsV2(b -> b.bucket("mixed"));
    S3Object c = all.contents().stream().filter(o -> o.key().equals("c")).findFirst().get();
    assertEquals("hot c".length(), c.size()); // the hot version wins
    S3Object z = all.contents().stream().filter(o -> o.key().equals("z")).findFirst().get();
    assertEquals("archived z".length(), z.size());

    // start-after, and V1 paging by marker, across the seam
    ListObjectsV2Response after =
        west.listObjectsV2(b -> b.bucket("mixed").startAfter("c").delimiter("/").maxKeys(2));
    assertEquals(List.of(), after.contents().stream().map(S3Object::key).toList());
    assertEquals(
        List.of("dir/", "dir2/"),
        after.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
    List<String> v1 = new ArrayList<>();
    String marker = null;
    boolean truncated;
    do {
      String m = marker;
      ListObjectsResponse page =
          west.listObjects(b -> b.bucket("mixed").delimiter("/").maxKeys(2).marker(m));
      page.contents().forEach(o -> v1.add(o.key()));
      page.commonPrefixes().forEach(p -> v1.add(p.prefix()));
      truncated = page.isTruncated();
      marker = page.nextMarker();
    } while (truncated);
    assertEquals(rolled, v1.stream().sorted().toList());
  }

  @Test
  void aDeletedKeyDoesNotComeBackFromTheArchive() {
    archived("cold", "old/only-archived", "bytes".getBytes(), "text/plain", Map.of());
    archived("cold", "old/both", "archived".getBytes(), "text/plain", Map.of());
    east.putObject(b -> b.bucket("cold").key("old/both"), RequestBody.fromString("hot"));
    assertEquals(List.of("old/both", "old/only-archived"), listV2("cold", "old/", null, 1000));

    west.deleteObject(b -> b.bucket("cold").key("old/only-archived"));
    west.deleteObject(b -> b.bucket("cold").key("old/both"));

    assertThrows(
        NoSuchKeyException.class,
        () -> west.getObjectAsBytes(b -> b.bucket("cold").key("old/only-archived")));
    assertThrows(
        NoSuchKeyException.class, () -> east.headObject(b -> b.bucket("cold").key("old/both")));
    assertEquals(List.of(), listV2("cold", "old/", null, 1000));
    assertFalse(Files.exists(dir.resolve("archive/cold/old/only-archived")));
  }

  @Test
  void importedObjectsAreServedAndReimportingAddsOnlyWhatIsNew() throws Exception {
    Path legacy = dir.resolve("east").resolve("legacy");
    Files.createDirectories(legacy.resolve("logs"));
    Files.writeString(legacy.resolve("logs/1.txt"), "one");
    Files.writeString(legacy.resolve("logs/2.txt"), "two!");
    try (ObjectStore store = ObjectStores.open(dir.resolve("east").toUri().toString(), null)) {
      String prefix =
          BucketImport.physicalPrefix(
              StoreUri.parse(dir.resolve("east").toUri().toString()),
              StoreUri.parse(legacy.toUri().toString()));
      assertEquals("legacy/", prefix);
      var bucket = gateway.namespace().bucket("imported").orElseThrow();

      BucketImport.Summary dry =
          new BucketImport(gateway.namespace(), bucket, EAST, store, prefix).run(true, s -> {});
      assertEquals(2, dry.imported());
      assertTrue(gateway.namespace().readyVersion("imported", "logs/1.txt").isEmpty());

      BucketImport.Summary first =
          new BucketImport(gateway.namespace(), bucket, EAST, store, prefix).run(false, s -> {});
      assertEquals(2, first.imported());
      assertEquals(7, first.bytes());
      assertEquals(
          "one", west.getObjectAsBytes(b -> b.bucket("imported").key("logs/1.txt")).asUtf8String());
      assertEquals(List.of("logs/1.txt", "logs/2.txt"), listV2("imported", null, null, 1));

      Files.writeString(legacy.resolve("logs/3.txt"), "three");
      BucketImport.Summary again =
          new BucketImport(gateway.namespace(), bucket, EAST, store, prefix).run(false, s -> {});
      assertEquals(1, again.imported());
      assertEquals(2, again.present());
      assertEquals(
          List.of("logs/1.txt", "logs/2.txt", "logs/3.txt"), listV2("imported", null, null, 2));
      // nothing was copied: the base copy is the file that was there
      assertEquals(
          "legacy/logs/3.txt",
          gateway
              .namespace()
              .readyVersion("imported", "logs/3.txt")
              .orElseThrow()
              .copies()
              .get(0)
              .physicalKey());
    }

    // the sync job archives an imported object and removes it from the location: still readable
    archived("imported", "logs/2.txt", "two!".getBytes(), "text/plain", Map.of());
    Files.delete(legacy.resolve("logs/2.txt"));
    ResponseBytes<GetObjectResponse> moved =
        east.getObjectAsBytes(b -> b.bucket("imported").key("logs/2.txt"));
    assertEquals("two!", moved.asUtf8String());
    assertTrue(servedFrom(moved.response()).startsWith("tier=archive"));
  }
}
