package io.skyrelay.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The namespace is in a database in the gateway's folder: a restarted gateway serves the same. */
class GatewayRestartTest {

  @TempDir Path dir;

  @Test
  void aRestartedGatewayServesWhatWasWrittenBefore() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        database: state
        regions:
          - label: local:a
            listen: 127.0.0.1:0
            store: %s
          - label: local:b
            listen: 127.0.0.1:0
            store: %s
        buckets:
          - name: kept
            policy: replicate-all
        access-keys:
          - id: RESTARTKEY
            secret: restart-secret-Xk2
        """
            .formatted(dir.resolve("a").toUri(), dir.resolve("b").toUri()));
    GatewayConfig config = GatewayConfigLoader.load(file);
    byte[] data = new byte[50_000];
    new Random(5).nextBytes(data);

    try (Gateway g = Gateway.start(config);
        S3Client a =
            GatewayS3Test.client(g.endpoint("local:a"), "restart-secret-Xk2", "RESTARTKEY")) {
      a.putObject(b -> b.bucket("kept").key("x/y.bin"), RequestBody.fromBytes(data));
      a.createBucket(b -> b.bucket("made-later"));
    }
    assertTrue(
        Files.isDirectory(dir.resolve("state")), "the database lives in the config's folder");

    try (Gateway g = Gateway.start(config);
        S3Client b =
            GatewayS3Test.client(g.endpoint("local:b"), "restart-secret-Xk2", "RESTARTKEY")) {
      assertArrayEquals(
          data, b.getObjectAsBytes(r -> r.bucket("kept").key("x/y.bin")).asByteArray());
      assertEquals(
          List.of("x/y.bin"),
          b.listObjectsV2(r -> r.bucket("kept")).contents().stream().map(S3Object::key).toList());
      b.headBucket(r -> r.bucket("made-later"));
    }
  }
}
