package io.skyrelay.gateway;

import static io.skyrelay.gateway.GatewayS3Test.await;
import static io.skyrelay.gateway.GatewayS3Test.bytes;
import static io.skyrelay.gateway.GatewayS3Test.client;
import static io.skyrelay.gateway.GatewayS3Test.filesUnder;
import static io.skyrelay.gateway.GatewayS3Test.haltingHalfway;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.skyrelay.connectors.testing.PostgresServer;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import io.skyrelay.gateway.namespace.CopyStatus;
import io.skyrelay.gateway.namespace.NamespaceDatabase;
import io.skyrelay.gateway.namespace.ObjectVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two gateway processes' worth of gateways (each with its own listeners for both regions) sharing
 * one namespace in a real PostgreSQL, over the same region stores, driven by the AWS SDK's S3
 * client.
 */
class GatewayPostgresTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final AccessKey KEY = new AccessKey("POSTGRESTESTKEY", "postgres-gw-secret-4Rt9");

  @TempDir static Path dir;
  private static PostgresServer postgres;
  private static Gateway one;
  private static Gateway two;
  private static S3Client oneEast;
  private static S3Client oneWest;
  private static S3Client twoEast;
  private static S3Client twoWest;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.start();
    postgres.createDatabase("shared");
    one = Gateway.start(config(postgres.jdbcUrlWithCredentials("shared"), dir));
    two = Gateway.start(config(postgres.jdbcUrlWithCredentials("shared"), dir));
    oneEast = client(one.endpoint(EAST), KEY.secret(), KEY.id());
    oneWest = client(one.endpoint(WEST), KEY.secret(), KEY.id());
    twoEast = client(two.endpoint(EAST), KEY.secret(), KEY.id());
    twoWest = client(two.endpoint(WEST), KEY.secret(), KEY.id());
  }

  @AfterAll
  static void stop() {
    for (S3Client c : Arrays.asList(oneEast, oneWest, twoEast, twoWest)) {
      if (c != null) {
        c.close();
      }
    }
    for (Gateway g : Arrays.asList(one, two)) {
      if (g != null) {
        g.close();
      }
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /** Both regions over folders under {@code stores}, the namespace in {@code database}. */
  static GatewayConfig config(String database, Path stores) {
    return new GatewayConfig(
        database,
        List.of(
            new RegionConfig(
                EAST, "127.0.0.1", 0, stores.resolve("east").toUri().toString(), Map.of()),
            new RegionConfig(
                WEST, "127.0.0.1", 0, stores.resolve("west").toUri().toString(), Map.of())),
        List.of(
            new BucketConfig("shared", "replicate-all"),
            new BucketConfig("contested", "replicate-all")),
        "replicate-all",
        List.of(KEY));
  }

  @Test
  void aWriteThroughOneGatewayIsReadListedOverwrittenAndDeletedThroughTheOther() throws Exception {
    byte[] data = bytes(200_000, 11);
    oneEast.putObject(
        b ->
            b.bucket("shared")
                .key("photos/cat.jpg")
                .contentType("image/jpeg")
                .metadata(Map.of("owner", "alice")),
        RequestBody.fromBytes(data));

    var got = twoWest.getObjectAsBytes(b -> b.bucket("shared").key("photos/cat.jpg"));
    assertArrayEquals(data, got.asByteArray());
    assertEquals("image/jpeg", got.response().contentType());
    assertEquals(Map.of("owner", "alice"), got.response().metadata());
    assertEquals(
        List.of("photos/cat.jpg"),
        twoWest.listObjectsV2(b -> b.bucket("shared").prefix("photos/")).contents().stream()
            .map(S3Object::key)
            .toList());
    // the replica is filled by the gateway that took the write, and served by the other
    await(
        "the replica in west",
        () ->
            two.namespace().readyVersion("shared", "photos/cat.jpg").orElseThrow().copies().size()
                == 2);

    PutObjectResponse second =
        twoEast.putObject(
            b -> b.bucket("shared").key("photos/cat.jpg"), RequestBody.fromString("a new cat"));
    assertNotEquals(got.response().eTag(), second.eTag());
    assertEquals(
        "a new cat",
        oneWest.getObjectAsBytes(b -> b.bucket("shared").key("photos/cat.jpg")).asUtf8String());
    assertEquals(
        second.eTag(), oneEast.headObject(b -> b.bucket("shared").key("photos/cat.jpg")).eTag());
    await(
        "the overwritten version to be removed",
        () -> one.namespace().versions("shared", "photos/cat.jpg").size() == 1);

    oneWest.deleteObject(b -> b.bucket("shared").key("photos/cat.jpg"));
    assertThrows(
        NoSuchKeyException.class,
        () -> twoEast.getObjectAsBytes(b -> b.bucket("shared").key("photos/cat.jpg")));
    assertTrue(
        twoWest.listObjectsV2(b -> b.bucket("shared").prefix("photos/")).contents().isEmpty());
    await(
        "the deleted object's copies to go",
        () ->
            filesUnder(dir.resolve("east").resolve("shared").resolve("photos")).isEmpty()
                && filesUnder(dir.resolve("west").resolve("shared").resolve("photos")).isEmpty());
  }

  @Test
  void aBucketMadeThroughOneGatewayIsServedByTheOther() {
    oneEast.createBucket(b -> b.bucket("made-by-one"));
    twoWest.headBucket(b -> b.bucket("made-by-one"));
    twoWest.putObject(b -> b.bucket("made-by-one").key("x"), RequestBody.fromString("x"));
    assertEquals(
        "x", oneEast.getObjectAsBytes(b -> b.bucket("made-by-one").key("x")).asUtf8String());
  }

  @Test
  void listingsFollowS3sByteOrderWhateverTheDatabasesCollation() {
    oneEast.createBucket(b -> b.bucket("order"));
    List<String> keys =
        List.of(
            "a", "A", "B", "b", "Z", "zebra", "a-b", "a/b", "a/c", "a.b", "ab", "a0", "-x", "_y",
            "~z", "e", "é", "résumé", "resume", "Ärger", "ü", "日本/語", "日本", "x/Y", "x/y", "x-");
    for (String k : keys) {
      oneEast.putObject(b -> b.bucket("order").key(k), RequestBody.fromString(k));
    }
    List<String> expected = new ArrayList<>(keys);
    expected.sort((x, y) -> Arrays.compareUnsigned(utf8(x), utf8(y)));

    // 4 per page through the other gateway: every key once, in UTF-8 byte order
    List<String> listed = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      ListObjectsV2Response page =
          twoWest.listObjectsV2(
              ListObjectsV2Request.builder()
                  .bucket("order")
                  .maxKeys(4)
                  .continuationToken(t)
                  .build());
      page.contents().forEach(o -> listed.add(o.key()));
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    assertEquals(expected, listed);

    // with a delimiter, 3 per page: keys and common prefixes each in byte order
    List<String> expectedKeys = new ArrayList<>();
    TreeSet<String> expectedPrefixes =
        new TreeSet<>((x, y) -> Arrays.compareUnsigned(utf8(x), utf8(y)));
    for (String k : expected) {
      int slash = k.indexOf('/');
      if (slash < 0) {
        expectedKeys.add(k);
      } else {
        expectedPrefixes.add(k.substring(0, slash + 1));
      }
    }
    List<String> keysListed = new ArrayList<>();
    List<String> prefixesListed = new ArrayList<>();
    token = null;
    do {
      String t = token;
      ListObjectsV2Response page =
          twoEast.listObjectsV2(
              ListObjectsV2Request.builder()
                  .bucket("order")
                  .delimiter("/")
                  .maxKeys(3)
                  .continuationToken(t)
                  .build());
      page.contents().forEach(o -> keysListed.add(o.key()));
      page.commonPrefixes().stream().map(CommonPrefix::prefix).forEach(prefixesListed::add);
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    assertEquals(expectedKeys, keysListed);
    assertEquals(new ArrayList<>(expectedPrefixes), prefixesListed);

    // start-after a key in the middle
    assertEquals(
        expected.subList(expected.indexOf("a0") + 1, expected.size()),
        twoWest.listObjectsV2(b -> b.bucket("order").startAfter("a0")).contents().stream()
            .map(S3Object::key)
            .toList());
  }

  @Test
  void aLiveGatewaysWriteInProgressIsLeftToIt() throws Exception {
    oneEast.putObject(b -> b.bucket("shared").key("slow"), RequestBody.fromString("old"));
    byte[] data = bytes(300_000, 12);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<PutObjectResponse> put =
        CompletableFuture.supplyAsync(
            () ->
                oneEast.putObject(
                    b -> b.bucket("shared").key("slow"),
                    RequestBody.fromInputStream(haltingHalfway(data, release), data.length)));
    try {
      await("the write to be pending", () -> pending(two, "shared", "slow") != null);
      // the other gateway's sweep, and the start-up sweep of a gateway started now, leave it
      assertEquals(0, two.sweep().writesRolledBack());
      try (Gateway three = Gateway.start(config(postgres.jdbcUrlWithCredentials("shared"), dir))) {
        assertEquals(0, three.sweep().writesRolledBack());
      }
      assertTrue(pending(two, "shared", "slow") != null, "the write in progress is still there");
      assertEquals(
          "old", twoWest.getObjectAsBytes(b -> b.bucket("shared").key("slow")).asUtf8String());
    } finally {
      release.countDown();
    }
    put.get(60, TimeUnit.SECONDS);
    assertArrayEquals(
        data, twoWest.getObjectAsBytes(b -> b.bucket("shared").key("slow")).asByteArray());
  }

  @Test
  void aKilledGatewaysWriteIsRolledBackByAnotherOnceItsLeaseExpires() throws Exception {
    // A namespace of their own: the survivor's clock runs ahead of every other gateway's.
    postgres.createDatabase("killed");
    Path stores = dir.resolve("killed");
    Duration lease = Duration.ofMinutes(2);
    GatewayConfig config = config(postgres.jdbcUrlWithCredentials("killed"), stores);
    MutableClock clock = new MutableClock(Instant.now());
    Gateway victim = Gateway.start(config.withLease(lease));
    try (Gateway survivor = Gateway.start(config.withLease(lease), clock);
        S3Client toVictim = client(victim.endpoint(EAST), KEY.secret(), KEY.id());
        S3Client toSurvivor = client(survivor.endpoint(WEST), KEY.secret(), KEY.id())) {
      toVictim.putObject(b -> b.bucket("shared").key("k"), RequestBody.fromString("before"));
      await(
          "the first version's replica",
          () ->
              survivor.namespace().readyVersion("shared", "k").orElseThrow().copies().size() == 2);
      byte[] data = bytes(300_000, 13);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<PutObjectResponse> put =
          CompletableFuture.supplyAsync(
              () ->
                  toVictim.putObject(
                      b -> b.bucket("shared").key("k"),
                      RequestBody.fromInputStream(haltingHalfway(data, release), data.length)));
      await("the write to be pending", () -> pending(survivor, "shared", "k") != null);
      ObjectVersion cut = pending(survivor, "shared", "k");
      try {
        victim.halt(); // killed mid-write: nothing rolled back, the lease not given up
      } finally {
        release.countDown();
      }
      assertThrows(Exception.class, () -> put.get(60, TimeUnit.SECONDS));
      // what a crash after storing the bytes and before the commit leaves in the region's store
      Path cutBytes = stores.resolve("east").resolve(cut.copies().get(0).physicalKey());
      Files.createDirectories(cutBytes.getParent());
      Files.write(cutBytes, Arrays.copyOf(data, 1000));

      // while the dead gateway's lease holds, its write is left alone
      assertEquals(0, survivor.sweep().writesRolledBack());
      assertTrue(pending(survivor, "shared", "k") != null);

      // the survivor's clock past any lease the victim took or renewed before it died
      clock.advance(lease.multipliedBy(2));
      assertEquals(1, survivor.sweep().writesRolledBack());
      assertEquals(
          List.of(CopyStatus.READY),
          survivor.namespace().versions("shared", "k").stream().map(v -> v.status()).toList());
      assertFalse(Files.exists(cutBytes), "the cut-off write's bytes are removed");
      assertEquals(
          "before", toSurvivor.getObjectAsBytes(b -> b.bucket("shared").key("k")).asUtf8String());
      List<String> files =
          filesUnder(stores.resolve("east").resolve("shared")).stream()
              .map(p -> p.getFileName().toString())
              .toList();
      String readyId = survivor.namespace().readyVersion("shared", "k").orElseThrow().versionId();
      assertEquals(List.of("k~" + readyId), files);
    } finally {
      victim.close();
    }
  }

  @Test
  void concurrentOverwritesThroughTwoGatewaysLeaveOneReadyVersionAndNoStrayCopies()
      throws Exception {
    List<S3Client> clients = List.of(oneEast, twoWest, oneWest, twoEast);
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      bodies.add(bytes(40_000 + i, 100 + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<?>> puts = new ArrayList<>();
      for (int i = 0; i < bodies.size(); i++) {
        byte[] body = bodies.get(i);
        S3Client c = clients.get(i % clients.size());
        puts.add(
            CompletableFuture.runAsync(
                () ->
                    c.putObject(b -> b.bucket("contested").key("hot"), RequestBody.fromBytes(body)),
                pool));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdown();
    }

    List<ObjectVersion> ready =
        one.namespace().versions("contested", "hot").stream()
            .filter(v -> v.status() == CopyStatus.READY)
            .toList();
    assertEquals(1, ready.size(), "exactly one ready version");
    String md5 = ready.get(0).md5();
    byte[] winner = bodies.stream().filter(b -> md5Hex(b).equals(md5)).findFirst().orElseThrow();
    for (S3Client c : clients) {
      assertArrayEquals(
          winner, c.getObjectAsBytes(b -> b.bucket("contested").key("hot")).asByteArray());
    }
    String id = ready.get(0).versionId();
    // the losers' copies go; the winner's replica arrives: one file per region, the winner's
    await(
        "only the winner's copies to remain",
        () ->
            one.namespace().versions("contested", "hot").size() == 1
                && names(dir.resolve("east").resolve("contested")).equals(List.of("hot~" + id))
                && names(dir.resolve("west").resolve("contested")).equals(List.of("hot~" + id)));
    assertEquals(2, one.namespace().readyVersion("contested", "hot").orElseThrow().copies().size());
  }

  @Test
  void objectKeysCompareAsBytesInTheDatabase() throws Exception {
    try (Connection c = postgres.connect("shared");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT collation_name FROM information_schema.columns"
                    + " WHERE table_name = 'object_versions' AND column_name = 'object_key'")) {
      assertTrue(rs.next());
      assertEquals("C", rs.getString(1));
    }
  }

  @Test
  void theConfigAcceptsAPostgresUrlAndItsCredentialsComeFromTheEnvironmentToo() throws Exception {
    GatewayConfig config =
        GatewayConfigLoader.parse(
            """
            database: %s
            lease: 45s
            regions:
              - label: local:east
                listen: 127.0.0.1:0
                store: %s
            access-keys:
              - id: POSTGRESTESTKEY
                secret: postgres-gw-secret-4Rt9
            """
                .formatted(postgres.jdbcUrlWithCredentials("shared"), dir.resolve("e").toUri()),
            dir);
    assertEquals(postgres.jdbcUrlWithCredentials("shared"), config.jdbcUrl());
    assertEquals(Duration.ofSeconds(45), config.lease());
    assertFalse(config.toString().contains(PostgresServer.PASSWORD), config.toString());

    try (NamespaceDatabase db =
            NamespaceDatabase.open(
                postgres.jdbcUrl("shared"),
                Map.of("PGUSER", PostgresServer.USER, "PGPASSWORD", PostgresServer.PASSWORD));
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM virtual_buckets")) {
      assertTrue(rs.next());
      assertTrue(rs.getLong(1) >= 2);
    }
  }

  @Test
  void aRefusedPasswordAppearsInNoErrorAndNoLog() throws Exception {
    String wrong = "Wrong-Secret-90210";
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    // what the pool, the driver, the migrations and the gateway say, down to their debug lines
    List<Logger> chatty = new ArrayList<>();
    for (String name :
        List.of("com.zaxxer.hikari", "org.postgresql", "org.flywaydb", "io.skyrelay")) {
      chatty.add((Logger) LoggerFactory.getLogger(name));
    }
    chatty.forEach(l -> l.setLevel(Level.DEBUG));
    try {
      GatewayConfig bad =
          config(
              postgres.jdbcUrl("shared") + "?user=" + PostgresServer.USER + "&password=" + wrong,
              dir.resolve("refused"));
      Exception e = assertThrows(Exception.class, () -> Gateway.start(bad));
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      assertFalse(trace.toString().contains(wrong), trace.toString());
      assertTrue(
          e.getMessage().contains("password authentication failed"),
          "the error says why: " + e.getMessage());
      assertTrue(e.getMessage().contains("password=****"), e.getMessage());
      // a gateway that connects logs its database without the password either
      try (Gateway ok =
          Gateway.start(config(postgres.jdbcUrlWithCredentials("shared"), dir.resolve("ok")))) {
        assertTrue(ok.namespace().bucket("shared").isPresent());
      }
    } finally {
      chatty.forEach(l -> l.setLevel(null));
      root.detachAppender(logs);
    }
    for (ILoggingEvent event : logs.list) {
      String line = event.getFormattedMessage();
      assertFalse(line.contains(wrong), line);
      assertFalse(line.contains(PostgresServer.PASSWORD), line);
    }
    assertFalse(logs.list.isEmpty(), "the start was logged");
  }

  /** The pending version of a key, or null. */
  private static ObjectVersion pending(Gateway g, String bucket, String key) {
    return g.namespace().versions(bucket, key).stream()
        .filter(v -> v.status() == CopyStatus.PENDING)
        .findFirst()
        .orElse(null);
  }

  private static List<String> names(Path folder) {
    return filesUnder(folder).stream().map(p -> p.getFileName().toString()).sorted().toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String md5Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
