package io.skyrelay.gateway.clients;

import static io.skyrelay.gateway.clients.ClientGateway.WEST;
import static io.skyrelay.gateway.clients.ClientGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** boto3 (Debian's {@code python3-boto3}) against the demo's gateway. */
class Boto3Test {

  @TempDir static Path dir;
  private static ClientGateway gw;
  private static Boto3Script boto3;

  @BeforeAll
  static void start() throws Exception {
    gw = ClientGateway.start(dir.resolve("gateway"));
    boto3 = new Boto3Script(gw, dir.resolve("python-home"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void putThroughEastGetThroughWestAndWestGetsItsCopy() throws Exception {
    byte[] data = bytes(250_000, 11);
    Files.write(boto3.work().resolve("one.bin"), data);
    JsonNode r = boto3.run("put_get");
    assertTrue(
        List.of("local:east", "local:west").contains(r.get("served_from").asText()),
        "says which region served it: " + r);

    gw.awaitReplicated("py/one.bin");
    List<Path> copies = gw.copiesOf(WEST, "py/one.bin");
    assertEquals(1, copies.size(), "one copy in west's folder: " + copies);
    assertArrayEquals(data, Files.readAllBytes(copies.get(0)));
  }

  @Test
  void listingsOfOverAThousandKeysPageByPageAndWithADelimiter() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      keys.add(String.format("many/p%d/k%04d", i % 3, i));
    }
    for (int i = 0; i < 20; i++) {
      keys.add(String.format("many/t%02d", i));
    }
    gw.seed(keys);
    List<String> sorted = new TreeSet<>(keys).stream().toList();

    JsonNode r = boto3.run("listing");
    assertEquals(sorted, texts(r.get("v1_page_1")), "V1, one a page: every key once, in order");
    for (int size : new int[] {1, 2}) {
      JsonNode d = r.get("delimited_page_" + size);
      assertEquals(List.of("many/p0/", "many/p1/", "many/p2/"), texts(d.get("prefixes")));
      assertEquals(keys.subList(1_000, keys.size()), texts(d.get("keys")));
      assertEquals((23 + size - 1) / size, d.get("pages").asInt(), "pages of " + size);
    }
  }

  @Test
  void uploadFileOverTheMultipartThresholdIsReadBackEqual() throws Exception {
    byte[] data = bytes(9 * 1024 * 1024 + 17, 12);
    Files.write(boto3.work().resolve("big.bin"), data);
    JsonNode r = boto3.run("multipart");
    assertTrue(r.get("etag").asText().endsWith("-2\""), "two parts: " + r.get("etag"));
    assertEquals(data.length, r.get("size").asLong());
    assertArrayEquals(data, Files.readAllBytes(boto3.work().resolve("big-from-west.bin")));
  }

  @Test
  void rangeGets() throws Exception {
    assertEquals(206, boto3.run("range_get").get("status").asInt());
  }

  @Test
  void anOverwriteChangesTheEtag() throws Exception {
    JsonNode r = boto3.run("overwrite");
    assertNotEquals(r.get("first").asText(), r.get("second").asText());
    assertEquals(r.get("second").asText(), r.get("head").asText());
  }

  @Test
  void deletedObjectsAreGoneAndNotListed() throws Exception {
    JsonNode r = boto3.run("delete");
    assertEquals(0, r.get("key_count").asInt());
    assertEquals(0, r.get("contents").size());
    assertEquals("NoSuchKey", r.get("get_after_delete").get("code").asText());
  }

  @Test
  void getBucketLocationAnswersTheDefaultRegion() throws Exception {
    JsonNode r = boto3.run("location");
    // S3's answer for us-east-1 is an empty LocationConstraint, which boto3 gives as None: the
    // region clients sign for. Region labels (local:east) are not AWS regions and would break
    // clients that sign for the region a bucket reports.
    assertTrue(r.get("east").isNull(), r.toString());
    assertTrue(r.get("west").isNull(), r.toString());
    assertEquals("NoSuchBucket", r.get("missing").get("code").asText(), r.toString());
    assertEquals(404, r.get("missing").get("status").asInt(), r.toString());
  }
}
