package io.skyrelay.gateway.clients;

import static io.skyrelay.gateway.clients.ClientGateway.BUCKET;
import static io.skyrelay.gateway.clients.ClientGateway.WEST;
import static io.skyrelay.gateway.clients.ClientGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aws CLI (Debian's {@code awscli}, {@code /usr/bin/aws}) against the demo's gateway. */
class AwsCliTest {

  static final String AWS = "/usr/bin/aws";

  @TempDir static Path dir;
  private static ClientGateway gw;
  private static ClientProcess cli;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    ClientProcess.require(AWS, "The aws CLI");
    gw = ClientGateway.start(dir.resolve("gateway"));
    Path home = dir.resolve("aws-home");
    Files.createDirectories(home);
    // Files above 5 MB go in 5 MB parts, so a 9 MiB file is a two-part upload.
    Files.writeString(
        home.resolve("config"),
        """
        [default]
        region = us-east-1
        output = json
        s3 =
          multipart_threshold = 5MB
          multipart_chunksize = 5MB
        """);
    cli =
        new ClientProcess(home)
            .env("AWS_CONFIG_FILE", home.resolve("config").toString())
            .env("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString())
            .env("AWS_ACCESS_KEY_ID", gw.keyId())
            .env("AWS_SECRET_ACCESS_KEY", gw.secret())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static ClientProcess.Result aws(URI endpoint, String... args) {
    List<String> command = new ArrayList<>(List.of(AWS, "--endpoint-url", endpoint.toString()));
    command.addAll(Arrays.asList(args));
    return cli.run(command);
  }

  private static JsonNode json(ClientProcess.Result r) throws Exception {
    return JSON.readTree(r.ok().stdout());
  }

  @Test
  void cpThroughEastThenThroughWestGivesTheSameBytesAndWestGetsItsCopy() throws Exception {
    byte[] data = bytes(200_000, 1);
    Path in = Files.write(cli.home().resolve("hello.bin"), data);
    aws(gw.east(), "s3", "cp", in.toString(), "s3://demo/cli/hello.bin").ok();

    Path out = cli.home().resolve("hello-from-west.bin");
    aws(gw.west(), "s3", "cp", "s3://demo/cli/hello.bin", out.toString()).ok();
    assertArrayEquals(data, Files.readAllBytes(out));

    gw.awaitReplicated("cli/hello.bin");
    List<Path> copies = gw.copiesOf(WEST, "cli/hello.bin");
    assertEquals(1, copies.size(), "one copy in west's folder: " + copies);
    assertArrayEquals(data, Files.readAllBytes(copies.get(0)));
  }

  @Test
  void aFileOverTheMultipartThresholdIsUploadedInPartsAndReadBackEqual() throws Exception {
    byte[] data = bytes(9 * 1024 * 1024 + 123, 2);
    Path in = Files.write(cli.home().resolve("big.bin"), data);
    aws(gw.east(), "s3", "cp", in.toString(), "s3://demo/cli/big.bin").ok();

    JsonNode head =
        json(aws(gw.west(), "s3api", "head-object", "--bucket", BUCKET, "--key", "cli/big.bin"));
    assertTrue(
        head.get("ETag").asText().endsWith("-2\""),
        "a two-part upload has a -2 ETag: " + head.get("ETag"));
    assertEquals(data.length, head.get("ContentLength").asLong());

    Path out = cli.home().resolve("big-from-west.bin");
    aws(gw.west(), "s3", "cp", "s3://demo/cli/big.bin", out.toString()).ok();
    assertArrayEquals(data, Files.readAllBytes(out));
  }

  @Test
  void rangeGetReturnsTheBytesAsked() throws Exception {
    byte[] data = bytes(50_000, 3);
    Path in = Files.write(cli.home().resolve("ranged.bin"), data);
    aws(gw.east(), "s3", "cp", in.toString(), "s3://demo/cli/ranged.bin").ok();

    Path out = cli.home().resolve("range.bin");
    JsonNode r =
        json(
            aws(
                gw.west(),
                "s3api",
                "get-object",
                "--bucket",
                BUCKET,
                "--key",
                "cli/ranged.bin",
                "--range",
                "bytes=1000-1999",
                out.toString()));
    assertEquals("bytes 1000-1999/50000", r.get("ContentRange").asText());
    assertArrayEquals(Arrays.copyOfRange(data, 1000, 2000), Files.readAllBytes(out));
  }

  @Test
  void anOverwriteChangesTheEtag() throws Exception {
    Path first = Files.write(cli.home().resolve("v1.txt"), "first".getBytes());
    Path second = Files.write(cli.home().resolve("v2.txt"), "second".getBytes());
    String etag1 =
        json(aws(
                gw.east(),
                "s3api",
                "put-object",
                "--bucket",
                BUCKET,
                "--key",
                "cli/overwritten",
                "--body",
                first.toString()))
            .get("ETag")
            .asText();
    String etag2 =
        json(aws(
                gw.west(),
                "s3api",
                "put-object",
                "--bucket",
                BUCKET,
                "--key",
                "cli/overwritten",
                "--body",
                second.toString()))
            .get("ETag")
            .asText();
    assertNotEquals(etag1, etag2);
    JsonNode head =
        json(
            aws(gw.east(), "s3api", "head-object", "--bucket", BUCKET, "--key", "cli/overwritten"));
    assertEquals(etag2, head.get("ETag").asText());
    Path out = cli.home().resolve("overwritten.txt");
    aws(gw.east(), "s3", "cp", "s3://demo/cli/overwritten", out.toString()).ok();
    assertEquals("second", Files.readString(out));
  }

  @Test
  void listingsOfOverAThousandKeysPageByPageAndWithADelimiter() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1_010; i++) {
      keys.add(String.format("many/d%d/k%04d", i % 5, i));
    }
    for (int i = 0; i < 15; i++) {
      keys.add(String.format("many/top%02d", i));
    }
    gw.seed(keys);

    // Two keys a page: the CLI follows the continuation tokens and prints the pages joined.
    JsonNode all =
        json(
            aws(
                gw.west(),
                "s3api",
                "list-objects-v2",
                "--bucket",
                BUCKET,
                "--prefix",
                "many/",
                "--page-size",
                "2"));
    List<String> listed = new ArrayList<>();
    all.get("Contents").forEach(o -> listed.add(o.get("Key").asText()));
    assertEquals(new TreeSet<>(keys).stream().toList(), listed, "every key once, in order");

    // One a page with a delimiter: the five folders once each, and the keys beside them.
    JsonNode rolled =
        json(
            aws(
                gw.east(),
                "s3api",
                "list-objects-v2",
                "--bucket",
                BUCKET,
                "--prefix",
                "many/",
                "--delimiter",
                "/",
                "--page-size",
                "1"));
    List<String> prefixes = new ArrayList<>();
    rolled.get("CommonPrefixes").forEach(p -> prefixes.add(p.get("Prefix").asText()));
    assertEquals(List.of("many/d0/", "many/d1/", "many/d2/", "many/d3/", "many/d4/"), prefixes);
    List<String> top = new ArrayList<>();
    rolled.get("Contents").forEach(o -> top.add(o.get("Key").asText()));
    assertEquals(keys.subList(1_010, keys.size()), top);
  }

  @Test
  void recursiveRemoveLeavesNothingToList() throws Exception {
    Path folder = cli.home().resolve("gone");
    for (String k : List.of("a", "b/c", "d")) {
      Files.createDirectories(folder.resolve(k).getParent());
      Files.writeString(folder.resolve(k), "bye");
    }
    aws(gw.east(), "s3", "cp", "--recursive", folder.toString(), "s3://demo/gone/").ok();
    String before = aws(gw.west(), "s3", "ls", "--recursive", "s3://demo/gone/").ok().stdout();
    assertEquals(3, before.lines().count(), before);

    aws(gw.west(), "s3", "rm", "--recursive", "s3://demo/gone/").ok();
    JsonNode after =
        json(aws(gw.east(), "s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", "gone/"));
    assertTrue(after.path("Contents").isMissingNode(), "nothing listed: " + after);
    assertEquals(0, after.path("KeyCount").asInt(0));
  }
}
