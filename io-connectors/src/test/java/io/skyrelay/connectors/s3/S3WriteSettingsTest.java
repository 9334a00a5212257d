package io.skyrelay.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.s3.RecordingS3Proxy.Request;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The S3 store settings that say how objects are written (storage class, server-side encryption,
 * canned ACL) and that the requester pays. S3Proxy ignores encryption and request-payer headers, so
 * what the connector sends is checked through a recording proxy in front of it; the storage class,
 * which S3Proxy keeps, is also read back from S3Proxy itself.
 */
class S3WriteSettingsTest {

  static RecordingS3Proxy proxy;

  @BeforeAll
  static void start() throws Exception {
    proxy = RecordingS3Proxy.start();
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  static String bucket() {
    String b = "w" + System.nanoTime() % 1_000_000_000L;
    proxy.createBucket(b);
    return b;
  }

  static void put(ObjectStore s, String key, byte[] bytes) {
    s.put(key, new ByteArrayInputStream(bytes), bytes.length, PutOptions.DEFAULT);
  }

  static final Map<String, String> WRITE_SETTINGS =
      Map.of(
          "storage-class", "standard_ia",
          "server-side-encryption", "aws:kms",
          "sse-kms-key-id", "alias/skyrelay-test",
          "acl", "bucket-owner-full-control",
          "requester-pays", "true");

  static final Map<String, String> WRITE_HEADERS =
      Map.of(
          "x-amz-storage-class", "STANDARD_IA",
          "x-amz-server-side-encryption", "aws:kms",
          "x-amz-server-side-encryption-aws-kms-key-id", "alias/skyrelay-test",
          "x-amz-acl", "bucket-owner-full-control");

  @ParameterizedTest(name = "direct-requests {0}")
  @ValueSource(booleans = {true, false})
  void everyWriteCarriesTheSettingsAndEveryRequestTheRequestPayer(boolean direct) {
    String bucket = bucket();
    StoreSettings settings = proxy.settings().with("direct-requests", String.valueOf(direct));
    for (var e : WRITE_SETTINGS.entrySet()) {
      settings = settings.with(e.getKey(), e.getValue());
    }
    proxy.clear();
    try (ObjectStore s = ObjectStores.open("s3://" + bucket, settings)) {
      put(s, "a", "hello".getBytes());
      s.serverSideCopy().orElseThrow().copy(s, "a", "b", null, Map.of());
      MultipartUploads mp = s.multipart().orElseThrow();
      UploadHandle u = mp.begin("c", PutOptions.DEFAULT);
      CompletedPart p = mp.uploadPart(u, 1, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
      mp.complete(u, List.of(p));
      s.head("a");
      s.read("b", null, null).close();
      s.listAllToList("");
      s.delete("c");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    List<Request> sent = proxy.requests();
    List<Request> writes = sent.stream().filter(Request::writesObject).toList();
    assertEquals(3, writes.size(), "PUT, CopyObject, CreateMultipartUpload: " + sent);
    for (Request w : writes) {
      WRITE_HEADERS.forEach(
          (h, v) -> assertEquals(v, w.header(h), h + " of " + w.method() + " " + w.path()));
    }
    for (Request r : sent) {
      assertEquals("requester", r.header("x-amz-request-payer"), r.method() + " " + r.path());
      if (!r.writesObject()) {
        // S3 refuses a GET or HEAD that names an encryption
        assertNull(r.header("x-amz-server-side-encryption"), r.method() + " " + r.path());
      }
    }
  }

  @Test
  void withoutSettingsNoneOfTheHeadersIsSent() {
    String bucket = bucket();
    proxy.clear();
    try (ObjectStore s = ObjectStores.open("s3://" + bucket, proxy.settings())) {
      put(s, "a", "hello".getBytes());
      s.head("a");
    }
    for (Request r : proxy.requests()) {
      for (String h : WRITE_HEADERS.keySet()) {
        assertNull(r.header(h), h + " of " + r.method());
      }
      assertNull(r.header("x-amz-request-payer"));
    }
  }

  @Test
  void s3ProxyKeepsTheStorageClassWritten() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.startInMemory()) {
      server.createBucket("classes");
      try (ObjectStore s =
          ObjectStores.open(
              "s3://classes", server.settings().with("storage-class", "STANDARD_IA"))) {
        put(s, "cold", "x".getBytes());
        assertEquals("STANDARD_IA", s.head("cold").storageClass());
        ObjectInfo listed = s.listAllToList("").get(0);
        assertEquals("STANDARD_IA", listed.storageClass());
      }
    }
  }

  @Test
  void listingsOfAKmsBucketTakeNoEtagForAnMd5() {
    String bucket = bucket();
    proxy.imitateKms();
    try (ObjectStore s =
        ObjectStores.open(
            "s3://" + bucket, proxy.settings().with("server-side-encryption", "aws:kms"))) {
      put(s, "a", "hello".getBytes());
      ObjectInfo listed = s.listAllToList("").get(0);
      assertFalse(listed.etag().equals("5d41402abc4b2a76b9719d911017c592"), listed.etag());
      assertNull(listed.md5(), "a KMS ETag taken for the MD5");
      assertNull(s.head("a").md5());
    }
  }

  @Test
  void invalidValuesAreRefusedWithTheValidOnes() {
    InvalidStoreUriException e =
        assertThrows(
            InvalidStoreUriException.class,
            () -> ObjectStores.open("s3://xyz", proxy.settings().with("storage-class", "COLD")));
    assertTrue(
        e.getMessage()
            .contains(
                "store setting storage-class expects one of STANDARD, REDUCED_REDUNDANCY,"
                    + " STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE,"
                    + " GLACIER_IR, EXPRESS_ONEZONE, got 'COLD'"),
        e.getMessage());
    e =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                ObjectStores.open(
                    "s3://xyz", proxy.settings().with("server-side-encryption", "kms")));
    assertTrue(
        e.getMessage().contains("expects one of AES256, aws:kms, aws:kms:dsse"), e.getMessage());
    e =
        assertThrows(
            InvalidStoreUriException.class,
            () -> ObjectStores.open("s3://xyz", proxy.settings().with("acl", "public")));
    assertTrue(e.getMessage().contains("expects one of private, public-read,"), e.getMessage());
    InvalidStoreUriException k =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                ObjectStores.open(
                    "s3://xyz",
                    proxy
                        .settings()
                        .with("server-side-encryption", "AES256")
                        .with("sse-kms-key-id", "alias/k")));
    assertTrue(k.getMessage().contains("set server-side-encryption: aws:kms with it"));
  }
}
