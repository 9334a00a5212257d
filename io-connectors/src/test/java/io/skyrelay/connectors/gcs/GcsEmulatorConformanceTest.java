package io.skyrelay.connectors.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for the GCS connector over HTTP, against the Firebase Storage emulator (npm
 * {@code firebase-tools}), which serves part of the GCS JSON API: the official client's real
 * requests, URL encoding, resumable uploads, ranged downloads, paged listings and MD5s. Started
 * from {@code gcs-emulator/} (see {@code start-storage-emulator.js} there); when it is not
 * installed ({@code npm ci --prefix io-connectors/gcs-emulator}) every test is reported as skipped.
 */
class GcsEmulatorConformanceTest extends ObjectStoreConformanceTest {

  private static final Path DIR = Path.of("gcs-emulator").toAbsolutePath();

  private GcsEmulatorServer emulator;

  @Override
  protected ObjectStore openStore() throws Exception {
    Optional<String> unavailable = GcsEmulatorServer.unavailable(DIR);
    assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
    emulator = GcsEmulatorServer.start(DIR);
    return ObjectStores.open("gs://conformance", emulator.settings());
  }

  @Override
  protected void stopServer() throws Exception {
    if (emulator != null) {
      emulator.close();
    }
  }

  // GCS-specific checks that need a server rather than the in-memory fake.

  @Test
  void uploadedPartsStayHiddenAndAbortRemovesThem() {
    MultipartUploads mp = store.multipart().orElseThrow();
    UploadHandle h = mp.begin(base + "big.bin", PutOptions.of("video/mp4", Map.of("k", "v")));
    mp.uploadPart(h, 1, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
    mp.uploadPart(h, 2, new ByteArrayInputStream(new byte[] {4}), 1);
    assertEquals(List.of(h), mp.listPending(base));
    assertTrue(
        store.listAllToList("").stream()
            .noneMatch(o -> o.key().startsWith(GcsObjectStore.UPLOADS_PREFIX)),
        "parts are not listed");
    assertThrows(ObjectNotFoundException.class, () -> store.head(base + "big.bin"));
    mp.abort(h);
    assertEquals(List.of(), mp.listPending(""));
  }

  @Test
  void aSourceShorterThanItsLengthLeavesNothingVisible() {
    byte[] data = randomBytes(1000, 9);
    String key = base + "short.bin";
    assertThrows(
        StoreException.class,
        () -> store.put(key, new ByteArrayInputStream(data), 5000, PutOptions.DEFAULT));
    assertThrows(ObjectNotFoundException.class, () -> store.head(key));
  }

  @Test
  void theEtagIsTheGenerationAndTheMd5IsHex() {
    byte[] data = "hello world".getBytes(StandardCharsets.UTF_8);
    String key = base + "gen";
    String etag = put(key, data).etag();
    ObjectInfo head = store.head(key);
    assertEquals(etag, head.etag());
    Long.parseLong(etag);
    assertEquals("5eb63bbbe01eeed093cb22bb8f5acdc3", head.md5());
    assertEquals("STANDARD", head.storageClass());
    assertArrayEquals(data, readAll(key));
  }

  @Override
  protected Optional<String> serverGap(Feature feature) {
    return Optional.ofNullable(
        switch (feature) {
          case MULTIPART -> "the Firebase Storage emulator does not implement compose (501)";
          case CONDITIONAL_READ ->
              "the Firebase Storage emulator ignores ifGenerationMatch on downloads";
          case CONDITIONAL_CREATE ->
              "the Firebase Storage emulator ignores ifGenerationMatch=0 on uploads and overwrites";
          default -> null;
        });
  }
}
