package io.skyrelay.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;

/** Where a store without a region setting gets its region, against a stand-in metadata service. */
class S3RegionTest {

  private static final String[] PROPERTIES = {
    "aws.ec2MetadataServiceEndpoint", "aws.configFile", "aws.region"
  };

  @Test
  void theRegionIsLookedUpOncePerJvmAndNotAtTheMetadataServiceForACustomEndpoint(@TempDir Path dir)
      throws Exception {
    for (String v : new String[] {"AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"}) {
      assumeTrue(System.getenv(v) == null, v + " is set in this environment");
    }
    assumeTrue(!"true".equals(System.getenv("AWS_EC2_METADATA_DISABLED")));
    AtomicInteger calls = new AtomicInteger();
    HttpServer metadata = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    metadata.createContext(
        "/",
        exchange -> {
          calls.incrementAndGet();
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    metadata.start();
    Map<String, String> saved = new HashMap<>();
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
    }
    try {
      System.setProperty(
          "aws.ec2MetadataServiceEndpoint", "http://127.0.0.1:" + metadata.getAddress().getPort());
      System.setProperty("aws.configFile", dir.resolve("no-config").toString());
      System.clearProperty("aws.region");
      S3ObjectStoreProvider.forgetDefaultRegions();

      assertEquals(Region.US_EAST_1, S3ObjectStoreProvider.defaultRegion(true));
      assertEquals(0, calls.get(), "an S3-compatible endpoint must not ask the metadata service");

      // On AWS the instance's region is asked for, once per JVM, not once per store opened.
      StoreSettings keys =
          StoreSettings.of(Map.of("access-key-id", "AKIDEXAMPLE", "secret-access-key", "x"));
      S3ObjectStoreProvider provider = new S3ObjectStoreProvider();
      provider.open(StoreUri.parse("s3://bucket-one"), keys).close();
      int afterFirst = calls.get();
      assertTrue(afterFirst > 0, "the metadata service was not asked on AWS");
      provider.open(StoreUri.parse("s3://bucket-two"), keys).close();
      provider.open(StoreUri.parse("s3://bucket-three"), keys).close();
      assertEquals(afterFirst, calls.get(), "the region was looked up again");
    } finally {
      saved.forEach(
          (k, v) -> {
            if (v == null) {
              System.clearProperty(k);
            } else {
              System.setProperty(k, v);
            }
          });
      S3ObjectStoreProvider.forgetDefaultRegions();
      metadata.stop(0);
    }
  }
}
