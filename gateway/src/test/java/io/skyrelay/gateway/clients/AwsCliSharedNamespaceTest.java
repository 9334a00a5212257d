package io.skyrelay.gateway.clients;

import static io.skyrelay.gateway.clients.ClientGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.testing.PostgresServer;
import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aws CLI against two gateways started as two deployments would be (each its own {@link
 * Gateway}, its own lease and listeners), sharing one namespace in a real PostgreSQL and the same
 * regions' stores: what is written, overwritten and deleted through one is what the other shows.
 * The east deployment's clients call its {@code local:east} endpoint, the west one's its {@code
 * local:west} endpoint.
 */
class AwsCliSharedNamespaceTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final String BUCKET = "shared";
  private static final AccessKey KEY = new AccessKey("CLISHAREDKEY", "cli-shared-secret-8Pz3");

  @TempDir static Path dir;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PostgresServer postgres;
  private static Gateway eastDeployment;
  private static Gateway westDeployment;
  private static ClientProcess cli;

  @BeforeAll
  static void start() throws Exception {
    ClientProcess.require(AwsCliTest.AWS, "The aws CLI");
    postgres = PostgresServer.start();
    postgres.createDatabase("namespace");
    eastDeployment = Gateway.start(config(postgres.jdbcUrlWithCredentials("namespace")));
    westDeployment = Gateway.start(config(postgres.jdbcUrlWithCredentials("namespace")));
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
    for (Gateway g : Arrays.asList(eastDeployment, westDeployment)) {
      if (g != null) {
        g.close();
      }
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /** The same regions, stores and buckets for both deployments; only the listeners differ. */
  private static GatewayConfig config(String database) {
    return new GatewayConfig(
        database,
        List.of(
            new RegionConfig(
                EAST, "127.0.0.1", 0, dir.resolve("east").toUri().toString(), Map.of()),
            new RegionConfig(
                WEST, "127.0.0.1", 0, dir.resolve("west").toUri().toString(), Map.of())),
        List.of(new BucketConfig(BUCKET, "replicate-all")),
        "replicate-all",
        List.of(KEY));
  }

  /** Runs the aws CLI against the east deployment's east endpoint. */
  private static ClientProcess.Result east(String... args) {
    return aws(eastDeployment, EAST, args);
  }

  /** Runs the aws CLI against the west deployment's west endpoint. */
  private static ClientProcess.Result west(String... args) {
    return aws(westDeployment, WEST, args);
  }

  private static ClientProcess.Result aws(Gateway deployment, String region, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(AwsCliTest.AWS, "--endpoint-url", deployment.endpoint(region).toString()));
    command.addAll(Arrays.asList(args));
    return cli.run(command);
  }

  private static JsonNode json(ClientProcess.Result r) throws Exception {
    return JSON.readTree(r.ok().stdout());
  }

  /** The keys, with their ETags, a listing of {@code prefix} shows, in order. */
  private static List<String> listed(ClientProcess.Result r) throws Exception {
    List<String> out = new ArrayList<>();
    json(r)
        .path("Contents")
        .forEach(o -> out.add(o.get("Key").asText() + " " + o.get("ETag").asText()));
    return out;
  }

  private static ClientProcess.Result list(boolean throughEast, String prefix) {
    String[] args = {"s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix};
    return throughEast ? east(args) : west(args);
  }

  @Test
  void aWriteThroughOneDeploymentIsListedReadOverwrittenAndDeletedThroughTheOther()
      throws Exception {
    byte[] first = bytes(150_000, 21);
    Path in = Files.write(cli.home().resolve("first.bin"), first);
    String etag1 =
        json(east(
                "s3api",
                "put-object",
                "--bucket",
                BUCKET,
                "--key",
                "docs/report.bin",
                "--body",
                in.toString(),
                "--content-type",
                "application/x-report",
                "--metadata",
                "owner=alice"))
            .get("ETag")
            .asText();

    assertEquals(List.of("docs/report.bin " + etag1), listed(list(false, "docs/")));
    JsonNode head =
        json(west("s3api", "head-object", "--bucket", BUCKET, "--key", "docs/report.bin"));
    assertEquals(etag1, head.get("ETag").asText());
    assertEquals("application/x-report", head.get("ContentType").asText());
    assertEquals("alice", head.get("Metadata").get("owner").asText());
    Path got = cli.home().resolve("first-through-west.bin");
    west("s3", "cp", "s3://shared/docs/report.bin", got.toString()).ok();
    assertArrayEquals(first, Files.readAllBytes(got));

    byte[] second = bytes(90_000, 22);
    Path in2 = Files.write(cli.home().resolve("second.bin"), second);
    String etag2 =
        json(west(
                "s3api",
                "put-object",
                "--bucket",
                BUCKET,
                "--key",
                "docs/report.bin",
                "--body",
                in2.toString()))
            .get("ETag")
            .asText();
    assertNotEquals(etag1, etag2);
    for (boolean throughEast : List.of(true, false)) {
      String who = throughEast ? "the east deployment" : "the west deployment";
      assertEquals(
          List.of("docs/report.bin " + etag2), listed(list(throughEast, "docs/")), who + " lists");
      Path out = cli.home().resolve("second-" + throughEast + ".bin");
      (throughEast
              ? east("s3", "cp", "s3://shared/docs/report.bin", out.toString())
              : west("s3", "cp", "s3://shared/docs/report.bin", out.toString()))
          .ok();
      assertArrayEquals(second, Files.readAllBytes(out), who + " reads the overwrite");
    }

    east("s3", "rm", "s3://shared/docs/report.bin").ok();
    for (boolean throughEast : List.of(true, false)) {
      String who = throughEast ? "the east deployment" : "the west deployment";
      assertEquals(List.of(), listed(list(throughEast, "docs/")), who + " lists nothing");
      String[] get = {
        "s3api",
        "get-object",
        "--bucket",
        BUCKET,
        "--key",
        "docs/report.bin",
        cli.home().resolve("deleted.bin").toString()
      };
      ClientProcess.Result r = throughEast ? east(get) : west(get);
      assertNotEquals(0, r.exitCode(), who + " reads nothing: " + r.stdout());
      assertTrue(r.stderr().contains("NoSuchKey"), who + ": " + r.stderr());
    }
  }

  @Test
  void foldersCopiedThroughEachDeploymentAreListedWholeThroughBoth() throws Exception {
    Path a = cli.home().resolve("from-east");
    Path b = cli.home().resolve("from-west");
    for (int i = 0; i < 5; i++) {
      Files.createDirectories(a.resolve("sub"));
      Files.createDirectories(b);
      Files.writeString(a.resolve("sub").resolve("e" + i + ".txt"), "east " + i);
      Files.writeString(b.resolve("w" + i + ".txt"), "west " + i);
    }
    east("s3", "cp", "--recursive", a.toString(), "s3://shared/both/east/").ok();
    west("s3", "cp", "--recursive", b.toString(), "s3://shared/both/west/").ok();

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add("both/east/sub/e" + i + ".txt");
    }
    for (int i = 0; i < 5; i++) {
      expected.add("both/west/w" + i + ".txt");
    }
    for (boolean throughEast : List.of(true, false)) {
      List<String> keys = new ArrayList<>();
      for (String line : listed(list(throughEast, "both/"))) {
        keys.add(line.substring(0, line.indexOf(' ')));
      }
      assertEquals(expected, keys, throughEast ? "through east" : "through west");
    }
    Path got = cli.home().resolve("w3-through-east.txt");
    east("s3", "cp", "s3://shared/both/west/w3.txt", got.toString()).ok();
    assertEquals("west 3", Files.readString(got));
    Path got2 = cli.home().resolve("e4-through-west.txt");
    west("s3", "cp", "s3://shared/both/east/sub/e4.txt", got2.toString()).ok();
    assertEquals("east 4", Files.readString(got2));
  }
}
