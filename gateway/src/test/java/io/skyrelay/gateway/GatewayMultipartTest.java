package io.skyrelay.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Multipart upload and CopyObject through two gateway regions, driven by the AWS SDK's client. */
class GatewayMultipartTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final int MIB = 1024 * 1024;
  private static final AccessKey KEY =
      new AccessKey("GATEWAYMPUTESTKEY", "gateway-multipart-secret-4Qz8");

  @TempDir static Path dir;
  private static Gateway gateway;
  private static S3Client east;
  private static S3Client west;

  @BeforeAll
  static void start() throws Exception {
    gateway =
        Gateway.start(
            new GatewayConfig(
                dir.resolve("db").toString(),
                List.of(
                    new RegionConfig(
                        EAST, "127.0.0.1", 0, dir.resolve("east").toUri().toString(), Map.of()),
                    new RegionConfig(
                        WEST, "127.0.0.1", 0, dir.resolve("west").toUri().toString(), Map.of())),
                List.of(
                    new BucketConfig("shared", "replicate-all"),
                    new BucketConfig("other", "replicate-all")),
                "replicate-all",
                List.of(KEY)));
    east = GatewayS3Test.client(gateway.endpoint(EAST), KEY.secret(), KEY.id());
    west = GatewayS3Test.client(gateway.endpoint(WEST), KEY.secret(), KEY.id());
  }

  @AfterAll
  static void stop() {
    if (east != null) {
      east.close();
      west.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] md5(byte[] data) throws Exception {
    return MessageDigest.getInstance("MD5").digest(data);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static List<Path> filesUnder(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static List<S3Object> listed(S3Client client, String bucket, String prefix) {
    return client.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents();
  }

  @Test
  void aMultipartUploadOfPartsSentOutOfOrderIsReadThroughTheOtherRegionWithS3sEtag()
      throws Exception {
    byte[] data = bytes(11 * MIB + 12_345, 7);
    int[][] ranges = {{0, 5 * MIB}, {5 * MIB, 10 * MIB}, {10 * MIB, data.length}};
    String key = "videos/big.bin";
    String uploadId =
        east.createMultipartUpload(
                b ->
                    b.bucket("shared")
                        .key(key)
                        .contentType("video/mp4")
                        .metadata(Map.of("camera", "front")))
            .uploadId();
    String[] etags = new String[3];
    for (int part : new int[] {3, 1, 2}) {
      byte[] body = Arrays.copyOfRange(data, ranges[part - 1][0], ranges[part - 1][1]);
      etags[part - 1] =
          east.uploadPart(
                  b -> b.bucket("shared").key(key).uploadId(uploadId).partNumber(part),
                  RequestBody.fromBytes(body))
              .eTag();
      assertEquals("\"" + HexFormat.of().formatHex(md5(body)) + "\"", etags[part - 1]);
    }
    String completed =
        east.completeMultipartUpload(
                b ->
                    b.bucket("shared")
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(
                            m ->
                                m.parts(
                                    CompletedPart.builder().partNumber(1).eTag(etags[0]).build(),
                                    CompletedPart.builder().partNumber(2).eTag(etags[1]).build(),
                                    CompletedPart.builder().partNumber(3).eTag(etags[2]).build())))
            .eTag();

    MessageDigest ofParts = MessageDigest.getInstance("MD5");
    for (int[] r : ranges) {
      ofParts.update(md5(Arrays.copyOfRange(data, r[0], r[1])));
    }
    String expected = "\"" + HexFormat.of().formatHex(ofParts.digest()) + "-3\"";
    assertEquals(expected, completed);

    ResponseBytes<GetObjectResponse> got = west.getObjectAsBytes(b -> b.bucket("shared").key(key));
    assertArrayEquals(data, got.asByteArray());
    assertEquals(expected, got.response().eTag());
    assertEquals("video/mp4", got.response().contentType());
    assertEquals(Map.of("camera", "front"), got.response().metadata());
    HeadObjectResponse head = west.headObject(b -> b.bucket("shared").key(key));
    assertEquals(data.length, head.contentLength());
    assertEquals(expected, head.eTag());
    assertEquals(
        List.of(key), listed(west, "shared", "videos/").stream().map(S3Object::key).toList());
    assertTrue(east.listMultipartUploads(b -> b.bucket("shared")).uploads().isEmpty());

    // replicate-all: the completed version is copied to west, which then serves it itself
    await(
        "the replica in west to be ready",
        () -> gateway.namespace().readyVersion("shared", key).orElseThrow().copies().size() == 2);
    List<Path> westFiles = filesUnder(dir.resolve("west").resolve("shared").resolve("videos"));
    assertEquals(1, westFiles.size(), "one copy in west: " + westFiles);
    assertArrayEquals(data, Files.readAllBytes(westFiles.get(0)));
    try (ResponseInputStream<GetObjectResponse> in =
        west.getObject(b -> b.bucket("shared").key(key).range("bytes=5242870-5242889"))) {
      assertEquals(
          WEST,
          in.response()
              .sdkHttpResponse()
              .firstMatchingHeader("x-skyrelay-served-from")
              .orElse(null));
      assertArrayEquals(Arrays.copyOfRange(data, 5 * MIB - 10, 5 * MIB + 10), in.readAllBytes());
    }
  }

  @Test
  void anIncompleteUploadIsListedWithItsPartsButInvisibleToGetAndList() throws Exception {
    String key = "pending/one.bin";
    byte[] part = bytes(5 * MIB, 8);
    String uploadId = east.createMultipartUpload(b -> b.bucket("shared").key(key)).uploadId();
    String etag =
        east.uploadPart(
                b -> b.bucket("shared").key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(part))
            .eTag();

    List<MultipartUpload> uploads =
        west.listMultipartUploads(b -> b.bucket("shared").prefix("pending/")).uploads();
    assertEquals(1, uploads.size());
    assertEquals(key, uploads.get(0).key());
    assertEquals(uploadId, uploads.get(0).uploadId());
    ListPartsResponse parts = west.listParts(b -> b.bucket("shared").key(key).uploadId(uploadId));
    assertEquals(1, parts.parts().size());
    assertEquals(1, parts.parts().get(0).partNumber());
    assertEquals(5L * MIB, parts.parts().get(0).size());
    assertEquals(etag, parts.parts().get(0).eTag());

    assertThrows(NoSuchKeyException.class, () -> west.headObject(b -> b.bucket("shared").key(key)));
    assertThrows(
        NoSuchKeyException.class, () -> east.getObjectAsBytes(b -> b.bucket("shared").key(key)));
    assertTrue(listed(east, "shared", "pending/").isEmpty());

    east.abortMultipartUpload(b -> b.bucket("shared").key(key).uploadId(uploadId));
  }

  @Test
  void anAbortedUploadLeavesNothingVisibleAndNothingStored() throws Exception {
    String key = "aborted/x.bin";
    String uploadId = east.createMultipartUpload(b -> b.bucket("shared").key(key)).uploadId();
    east.uploadPart(
        b -> b.bucket("shared").key(key).uploadId(uploadId).partNumber(1),
        RequestBody.fromBytes(bytes(5 * MIB, 9)));
    east.uploadPart(
        b -> b.bucket("shared").key(key).uploadId(uploadId).partNumber(2),
        RequestBody.fromBytes(bytes(1000, 10)));

    east.abortMultipartUpload(b -> b.bucket("shared").key(key).uploadId(uploadId));

    assertTrue(
        east.listMultipartUploads(b -> b.bucket("shared").prefix("aborted/")).uploads().isEmpty());
    assertThrows(NoSuchKeyException.class, () -> east.headObject(b -> b.bucket("shared").key(key)));
    assertTrue(listed(west, "shared", "aborted/").isEmpty());
    assertTrue(gateway.namespace().versions("shared", key).isEmpty());
    assertTrue(filesUnder(dir.resolve("east").resolve("shared").resolve("aborted")).isEmpty());
    S3Exception gone =
        assertThrows(
            S3Exception.class,
            () -> east.listParts(b -> b.bucket("shared").key(key).uploadId(uploadId)));
    assertEquals(404, gone.statusCode());
  }

  @Test
  void copyObjectReplacesMetadataOrKeepsItAcrossBuckets() throws Exception {
    byte[] data = bytes(300_000, 11);
    east.putObject(
        b ->
            b.bucket("shared")
                .key("docs/source.txt")
                .contentType("text/plain")
                .metadata(Map.of("owner", "alice")),
        RequestBody.fromBytes(data));
    String md5 = "\"" + HexFormat.of().formatHex(md5(data)) + "\"";

    CopyObjectResponse replaced =
        west.copyObject(
            b ->
                b.sourceBucket("shared")
                    .sourceKey("docs/source.txt")
                    .destinationBucket("other")
                    .destinationKey("copies/replaced.txt")
                    .metadataDirective(MetadataDirective.REPLACE)
                    .contentType("application/json")
                    .metadata(Map.of("owner", "bob", "reviewed", "yes")));
    assertEquals(md5, replaced.copyObjectResult().eTag());
    ResponseBytes<GetObjectResponse> got =
        east.getObjectAsBytes(b -> b.bucket("other").key("copies/replaced.txt"));
    assertArrayEquals(data, got.asByteArray());
    assertEquals("application/json", got.response().contentType());
    assertEquals(Map.of("owner", "bob", "reviewed", "yes"), got.response().metadata());

    east.copyObject(
        b ->
            b.sourceBucket("shared")
                .sourceKey("docs/source.txt")
                .destinationBucket("shared")
                .destinationKey("docs/kept.txt"));
    HeadObjectResponse kept = west.headObject(b -> b.bucket("shared").key("docs/kept.txt"));
    assertEquals("text/plain", kept.contentType());
    assertEquals(Map.of("owner", "alice"), kept.metadata());
    assertEquals(md5, kept.eTag());
    // the source is untouched, and the copy is a version of its own, replicated like a PUT
    assertEquals(
        Map.of("owner", "alice"),
        east.headObject(b -> b.bucket("shared").key("docs/source.txt")).metadata());
    await(
        "the copy's replica in east",
        () ->
            gateway
                    .namespace()
                    .readyVersion("other", "copies/replaced.txt")
                    .orElseThrow()
                    .copies()
                    .size()
                == 2);

    assertThrows(
        NoSuchKeyException.class,
        () ->
            east.copyObject(
                b ->
                    b.sourceBucket("shared")
                        .sourceKey("docs/missing.txt")
                        .destinationBucket("shared")
                        .destinationKey("docs/never.txt")));
    assertThrows(
        NoSuchKeyException.class,
        () -> east.headObject(b -> b.bucket("shared").key("docs/never.txt")));
  }

  @Test
  void aPartRefusedForItsContentMd5CannotBeCompletedWithTheEarlierUpload() throws Exception {
    String key = "refused/part.bin";
    byte[] good = bytes(1000, 12);
    byte[] other = bytes(1000, 13);
    String goodMd5 = Base64.getEncoder().encodeToString(md5(good));
    String uploadId = east.createMultipartUpload(b -> b.bucket("shared").key(key)).uploadId();
    String etag =
        east.uploadPart(
                b -> b.bucket("shared").key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(good))
            .eTag();
    String last =
        east.uploadPart(
                b -> b.bucket("shared").key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(other))
            .eTag();
    S3Exception bad =
        assertThrows(
            S3Exception.class,
            () ->
                east.uploadPart(
                    b ->
                        b.bucket("shared")
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(1)
                            .contentMD5(goodMd5),
                    RequestBody.fromBytes(other)));
    assertEquals("BadDigest", bad.awsErrorDetails().errorCode());
    // the store holds the refused body now: completing with the earlier part's ETag must fail
    S3Exception invalid =
        assertThrows(
            S3Exception.class,
            () ->
                east.completeMultipartUpload(
                    b ->
                        b.bucket("shared")
                            .key(key)
                            .uploadId(uploadId)
                            .multipartUpload(
                                m ->
                                    m.parts(
                                        CompletedPart.builder().partNumber(1).eTag(etag).build(),
                                        CompletedPart.builder()
                                            .partNumber(2)
                                            .eTag(last)
                                            .build()))));
    assertEquals("InvalidPart", invalid.awsErrorDetails().errorCode());
    assertThrows(NoSuchKeyException.class, () -> east.headObject(b -> b.bucket("shared").key(key)));
    east.abortMultipartUpload(b -> b.bucket("shared").key(key).uploadId(uploadId));
  }
}
