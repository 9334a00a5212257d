package io.skyrelay.gateway.clients;

import static io.skyrelay.gateway.clients.ClientGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.MutableClock;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.ArchiveConfig;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aws CLI against a gateway whose buckets use a pull policy with a TTL (a clock the test moves
 * decides expiry) and an archive tier: the copy a read leaves, its eviction, and archived objects
 * read through and listed once.
 */
class AwsCliPlacementAndArchiveTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final AccessKey KEY = new AccessKey("CLIPLACEMENTKEY", "cli-placement-secret-7Rq");

  @TempDir static Path dir;
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Gateway gateway;
  private static ClientProcess cli;

  @BeforeAll
  static void start() throws Exception {
    ClientProcess.require(AwsCliTest.AWS, "The aws CLI");
    GatewayConfig config =
        new GatewayConfig(
            dir.resolve("namespace").toString(),
            List.of(
                new RegionConfig(
                    EAST, "127.0.0.1", 0, dir.resolve("east").toUri().toString(), Map.of()),
                new RegionConfig(
                    WEST, "127.0.0.1", 0, dir.resolve("west").toUri().toString(), Map.of())),
            List.of(
                new BucketConfig("pulled", "ttl:1h"),
                new BucketConfig(
                    "cold",
                    "pull-evict",
                    new ArchiveConfig(archive().toUri().toString(), Map.of(), false))),
            "replicate-all",
            List.of(KEY));
    gateway = Gateway.start(config, clock);
    Path home = dir.resolve("aws-home");
    Files.createDirectories(home);
    Files.writeString(home.resolve("config"), "[default]\nregion = us-east-1\noutput = json\n");
    cli =
        new ClientProcess(home)
            .env("AWS_CONFIG_FILE", home.resolve("config").toString())
            .env("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString())
            .env("AWS_ACCESS_KEY_ID", KEY.id())
            .env("AWS_SECRET_ACCESS_KEY", KEY.secret())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "");
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static Path archive() {
    return dir.resolve("archive");
  }

  private static ClientProcess.Result aws(String region, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(AwsCliTest.AWS, "--endpoint-url", gateway.endpoint(region).toString()));
    command.addAll(Arrays.asList(args));
    return cli.run(command);
  }

  /** The files of bucket {@code bucket} in a region's folder holding copies of {@code key}. */
  private static List<Path> copies(String folder, String bucket, String key) {
    Path parent = dir.resolve(folder).resolve(bucket);
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(p -> p.getFileName().toString().startsWith(key + "~")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aReadInWestLeavesACopyThatIsEvictedPastItsTtlAndReadsStillWork() throws Exception {
    byte[] data = bytes(300_000, 11);
    Path in = Files.write(cli.home().resolve("pulled.bin"), data);
    aws(EAST, "s3", "cp", in.toString(), "s3://pulled/p.bin").ok();
    assertEquals(List.of(), copies("west", "pulled", "p.bin"), "ttl: no copy in west on write");

    Path out = cli.home().resolve("pulled-west.bin");
    aws(WEST, "s3", "cp", "s3://pulled/p.bin", out.toString()).ok();
    assertArrayEquals(data, Files.readAllBytes(out));
    ClientGateway.await(
        "the copy the read left in west",
        () ->
            gateway
                    .namespace()
                    .readyVersion("pulled", "p.bin")
                    .map(v -> v.copies().size())
                    .orElse(0)
                == 2);
    List<Path> west = copies("west", "pulled", "p.bin");
    assertEquals(1, west.size(), "one copy in west's folder: " + west);
    assertArrayEquals(data, Files.readAllBytes(west.get(0)));

    clock.advance(Duration.ofMinutes(61));
    assertTrue(gateway.evictNow() >= 1, "the evictor removes the expired copy");
    assertEquals(List.of(), copies("west", "pulled", "p.bin"), "west's copy is gone");
    assertEquals(1, copies("east", "pulled", "p.bin").size(), "the base copy in east stays");

    Path again = cli.home().resolve("pulled-west-again.bin");
    aws(WEST, "s3", "cp", "s3://pulled/p.bin", again.toString()).ok();
    assertArrayEquals(data, Files.readAllBytes(again), "reads through west still work");
  }

  @Test
  void archivedObjectsAreReadThroughAndListedOnceBesideHotOnes() throws Exception {
    StoreLocation archive =
        new StoreLocation(
            StoreUri.parse(archive().toUri().toString()), StoreSettings.EMPTY, "local:archive");
    try (ObjectStore store = archive.open()) {
      for (String k : List.of("a.txt", "docs/b.txt", "docs/c.txt")) {
        byte[] b = ("archived " + k).getBytes(StandardCharsets.UTF_8);
        store.put(
            archive.keyOf(k),
            new ByteArrayInputStream(b),
            b.length,
            PutOptions.of("text/plain", Map.of()));
      }
    }
    Path hot = Files.writeString(cli.home().resolve("hot.txt"), "hot one");
    aws(EAST, "s3", "cp", hot.toString(), "s3://cold/docs/hot.txt").ok();
    Path overlap = Files.writeString(cli.home().resolve("c.txt"), "newer hot c");
    aws(EAST, "s3", "cp", overlap.toString(), "s3://cold/docs/c.txt").ok();

    for (String page : List.of("1", "2", "1000")) {
      JsonNode list =
          JSON.readTree(
              aws(WEST, "s3api", "list-objects-v2", "--bucket", "cold", "--page-size", page)
                  .ok()
                  .stdout());
      List<String> keys = new ArrayList<>();
      list.get("Contents").forEach(o -> keys.add(o.get("Key").asText()));
      assertEquals(
          List.of("a.txt", "docs/b.txt", "docs/c.txt", "docs/hot.txt"),
          keys,
          "both tiers, each key once, page size " + page);
    }
    JsonNode top =
        JSON.readTree(
            aws(WEST, "s3api", "list-objects-v2", "--bucket", "cold", "--delimiter", "/")
                .ok()
                .stdout());
    assertEquals("docs/", top.get("CommonPrefixes").get(0).get("Prefix").asText());
    assertEquals(1, top.get("CommonPrefixes").size(), "a prefix in both tiers once");
    assertEquals("a.txt", top.get("Contents").get(0).get("Key").asText());

    Path got = cli.home().resolve("a-from-west.txt");
    aws(WEST, "s3", "cp", "s3://cold/a.txt", got.toString()).ok();
    assertEquals("archived a.txt", Files.readString(got));
    Path newer = cli.home().resolve("c-from-west.txt");
    aws(WEST, "s3", "cp", "s3://cold/docs/c.txt", newer.toString()).ok();
    assertEquals("newer hot c", Files.readString(newer), "the hot tier wins");
  }
}
