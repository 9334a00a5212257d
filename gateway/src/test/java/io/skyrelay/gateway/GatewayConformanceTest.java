package io.skyrelay.gateway;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Skyrelay's own S3 connector, through its conformance suite, against a gateway region: the gateway
 * is an S3-compatible store. What the gateway does not serve yet is declared as a gap.
 */
class GatewayConformanceTest extends ObjectStoreConformanceTest {

  private static final AccessKey KEY = new AccessKey("CONFORMANCEKEY", "conformance-secret-5kQ2");

  private Path dir;
  private Gateway gateway;

  @Override
  protected ObjectStore openStore() throws Exception {
    dir = Files.createTempDirectory("gateway-conformance-");
    gateway =
        Gateway.start(
            new GatewayConfig(
                database(dir),
                List.of(
                    new RegionConfig(
                        "local:one",
                        "127.0.0.1",
                        0,
                        dir.resolve("one").toUri().toString(),
                        Map.of()),
                    new RegionConfig(
                        "local:two",
                        "127.0.0.1",
                        0,
                        dir.resolve("two").toUri().toString(),
                        Map.of())),
                List.of(new BucketConfig("conformance", "replicate-all")),
                "replicate-all",
                List.of(KEY)));
    return ObjectStores.open(
        "s3://conformance",
        StoreSettings.of(
            Map.of(
                "endpoint", gateway.endpoint("local:one").toString(),
                "region", "us-east-1",
                "access-key-id", KEY.id(),
                "secret-access-key", KEY.secret())));
  }

  /** The namespace database of the gateway under test: the embedded one in {@code dir}. */
  protected String database(Path dir) throws Exception {
    return dir.resolve("db").toString();
  }

  @Override
  protected void stopServer() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Override
  protected Optional<String> serverGap(Feature feature) {
    return switch (feature) {
      case CONDITIONAL_CREATE -> Optional.of("the gateway has no conditional PUT yet");
      default -> Optional.empty();
    };
  }
}
