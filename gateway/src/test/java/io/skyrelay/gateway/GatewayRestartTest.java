package io.skyrelay.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import io.skyrelay.gateway.namespace.ObjectVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The namespace is in a database in the gateway's folder: a restarted gateway serves the same, and
 * rolls back writes a crash cut off.
 */
class GatewayRestartTest {

  @TempDir Path dir;
  private Path crashedBytes;

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
      // A write cut off by a crash: its pending version recorded, part of its bytes on disk.
      ObjectVersion cut = g.namespace().beginWrite("kept", "cut-off", "local:a", null, Map.of());
      crashedBytes = dir.resolve("a").resolve(cut.copies().get(0).physicalKey());
      Files.createDirectories(crashedBytes.getParent());
      Files.write(crashedBytes, new byte[] {1, 2, 3});
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
      // the cut-off write is rolled back at the start: no row, no bytes, not visible
      assertEquals(List.of(), g.namespace().versions("kept", "cut-off"));
      assertFalse(Files.exists(crashedBytes), "the cut-off write's bytes are removed");
      assertThrows(
          NoSuchKeyException.class, () -> b.headObject(r -> r.bucket("kept").key("cut-off")));
    }
  }

  @Test
  void multipartUploadsOutliveARestartUntilTheyAreAbandoned() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        database: state
        regions:
          - label: local:a
            listen: 127.0.0.1:0
            store: %s
        buckets:
          - name: kept
            policy: replicate-all
        access-keys:
          - id: RESTARTKEY
            secret: restart-secret-Xk2
        """
            .formatted(dir.resolve("a").toUri()));
    GatewayConfig config = GatewayConfigLoader.load(file);
    byte[] first = new byte[5 * 1024 * 1024];
    new Random(6).nextBytes(first);
    byte[] second = new byte[1000];
    new Random(7).nextBytes(second);
    String resumed;
    String abandoned;
    String firstEtag;
    try (Gateway g = Gateway.start(config);
        S3Client a =
            GatewayS3Test.client(g.endpoint("local:a"), "restart-secret-Xk2", "RESTARTKEY")) {
      resumed = a.createMultipartUpload(b -> b.bucket("kept").key("resumed")).uploadId();
      firstEtag =
          a.uploadPart(
                  b -> b.bucket("kept").key("resumed").uploadId(resumed).partNumber(1),
                  RequestBody.fromBytes(first))
              .eTag();
      abandoned = a.createMultipartUpload(b -> b.bucket("kept").key("abandoned")).uploadId();
      a.uploadPart(
          b -> b.bucket("kept").key("abandoned").uploadId(abandoned).partNumber(1),
          RequestBody.fromBytes(second));
    }

    try (Gateway g = Gateway.start(config);
        S3Client a =
            GatewayS3Test.client(g.endpoint("local:a"), "restart-secret-Xk2", "RESTARTKEY")) {
      // both uploads are still pending after the restart, and one can be finished
      assertEquals(
          List.of(abandoned, resumed),
          a.listMultipartUploads(b -> b.bucket("kept")).uploads().stream()
              .map(MultipartUpload::uploadId)
              .toList());
      String secondEtag =
          a.uploadPart(
                  b -> b.bucket("kept").key("resumed").uploadId(resumed).partNumber(2),
                  RequestBody.fromBytes(second))
              .eTag();
      a.completeMultipartUpload(
          b ->
              b.bucket("kept")
                  .key("resumed")
                  .uploadId(resumed)
                  .multipartUpload(
                      m ->
                          m.parts(
                              CompletedPart.builder().partNumber(1).eTag(firstEtag).build(),
                              CompletedPart.builder().partNumber(2).eTag(secondEtag).build())));
      byte[] got = a.getObjectAsBytes(b -> b.bucket("kept").key("resumed")).asByteArray();
      assertEquals(first.length + second.length, got.length);
      assertArrayEquals(second, Arrays.copyOfRange(got, first.length, got.length));

      // an upload left long enough is aborted: its parts and its pending version go
      assertEquals(1, g.abandonUploadsBefore(Instant.now().plusSeconds(1)));
      assertTrue(a.listMultipartUploads(b -> b.bucket("kept")).uploads().isEmpty());
      assertEquals(List.of(), g.namespace().versions("kept", "abandoned"));
      Path staged = dir.resolve("a").resolve(".skyrelay").resolve("uploads");
      try (Stream<Path> left = Files.exists(staged) ? Files.list(staged) : Stream.empty()) {
        assertEquals(List.of(), left.toList(), "no staged parts remain");
      }
      assertArrayEquals(
          got, a.getObjectAsBytes(b -> b.bucket("kept").key("resumed")).asByteArray());
    }
  }
}
