package io.skyrelay.gateway;

import static io.skyrelay.gateway.GatewayS3Test.await;
import static io.skyrelay.gateway.GatewayS3Test.bytes;
import static io.skyrelay.gateway.GatewayS3Test.client;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two gateway regions whose stores are prefixes of one S3Proxy bucket ({@code s3://regions/east}
 * and {@code s3://regions/west}): every copy lands under its region's prefix, and nothing else is
 * written in the bucket.
 */
class GatewayPrefixedRegionTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final AccessKey KEY =
      new AccessKey("GATEWAYTESTKEY", "gateway-test-secret-81kP0w");

  @TempDir static Path dir;
  private static S3ProxyServer s3;
  private static ObjectStore bucket;
  private static Gateway gateway;
  private static S3Client east;
  private static S3Client west;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.startInMemory();
    s3.createBucket("regions");
    bucket = ObjectStores.open("s3://regions", s3.settings());
    Map<String, String> settings = s3.settings().asMap();
    GatewayConfig config =
        new GatewayConfig(
            dir.resolve("db").toString(),
            List.of(
                new RegionConfig(EAST, "127.0.0.1", 0, "s3://regions/east", settings),
                new RegionConfig(WEST, "127.0.0.1", 0, "s3://regions/west/", settings)),
            List.of(new BucketConfig("shared", "replicate-all")),
            "replicate-all",
            List.of(KEY));
    gateway = Gateway.start(config);
    east = client(gateway.endpoint(EAST), KEY.secret());
    west = client(gateway.endpoint(WEST), KEY.secret());
  }

  @AfterAll
  static void stop() throws Exception {
    if (east != null) {
      east.close();
      west.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (bucket != null) {
      bucket.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void copiesLandUnderEachRegionsPrefixAndAreReadBack() throws Exception {
    byte[] data = bytes(200_000, 7);
    east.putObject(b -> b.bucket("shared").key("photos/cat.jpg"), RequestBody.fromBytes(data));

    List<String> inEast = keysUnder("east/");
    assertEquals(1, inEast.size(), "east's copy: " + inEast);
    String physicalKey = inEast.get(0).substring("east/".length());
    assertTrue(physicalKey.contains("photos/cat.jpg~"), physicalKey);
    await(
        "the replica under west/", () -> keysUnder("west/").equals(List.of("west/" + physicalKey)));
    for (ObjectInfo o : bucket.listAllToList("")) {
      assertTrue(
          o.key().startsWith("east/") || o.key().startsWith("west/"),
          o.key() + " was written outside the regions' prefixes");
    }

    assertArrayEquals(
        data, east.getObjectAsBytes(b -> b.bucket("shared").key("photos/cat.jpg")).asByteArray());
    assertArrayEquals(
        data, west.getObjectAsBytes(b -> b.bucket("shared").key("photos/cat.jpg")).asByteArray());
    assertEquals(
        List.of("photos/cat.jpg"),
        west.listObjectsV2(b -> b.bucket("shared")).contents().stream().map(o -> o.key()).toList());
  }

  private static List<String> keysUnder(String prefix) {
    return bucket.listAllToList(prefix).stream().map(ObjectInfo::key).toList();
  }
}
