package io.skyrelay.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The conformance suite for the S3 connector against S3Proxy, started in this JVM. */
class S3ConformanceTest extends ObjectStoreConformanceTest {

  private S3ProxyServer server;

  @Override
  protected ObjectStore openStore() throws Exception {
    server = S3ProxyServer.startInMemory();
    server.createBucket("conformance");
    return ObjectStores.open("s3://conformance", server.settings());
  }

  @Override
  protected void stopServer() throws Exception {
    server.close();
  }

  /** Up to 1 MiB an object is written in one unchunked request, above it streamed in chunks. */
  @Test
  void objectsAroundTheOneRequestThresholdRoundTripWithTheirMetadata() {
    int limit = (int) S3ObjectStore.SMALL_PUT;
    PutOptions options = new PutOptions("text/csv", Map.of("origin", "threshold"), false);
    for (int size : new int[] {1, limit - 1, limit, limit + 1}) {
      byte[] data = randomBytes(size, size);
      String key = base + "threshold-" + size;
      var written = store.put(key, new ByteArrayInputStream(data), size, options);
      assertEquals(md5Hex(data), written.etag(), "ETag of " + size + " bytes");
      var info = store.head(key);
      assertEquals(size, info.size());
      assertEquals("text/csv", info.contentType());
      assertEquals("threshold", info.metadata().get("origin"));
      assertArrayEquals(data, readAll(key));
    }
  }

  @Test
  void contentShorterThanItsLengthIsRefusedAndNothingIsWritten() {
    byte[] data = randomBytes(1000, 7);
    String key = base + "short";
    StoreException e =
        assertThrows(
            StoreException.class,
            () -> store.put(key, new ByteArrayInputStream(data), 4000, PutOptions.DEFAULT));
    assertTrue(e.getMessage().contains("1000 of 4000 bytes"), e.getMessage());
    assertThrows(
        ObjectNotFoundException.class, () -> store.head(key), "a short object was written");
  }
}
