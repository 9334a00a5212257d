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
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for the S3 connector against S3Proxy, started in this JVM, with the
 * per-object requests sent directly (the default, {@link S3Wire}); {@link
 * S3SdkPipelineConformanceTest} runs it again through the SDK client's pipeline.
 */
class S3ConformanceTest extends ObjectStoreConformanceTest {

  private S3ProxyServer server;

  /** The {@code direct-requests} setting this suite runs with. */
  protected boolean direct() {
    return true;
  }

  @Override
  protected ObjectStore openStore() throws Exception {
    server = S3ProxyServer.startInMemory();
    server.createBucket("conformance");
    return ObjectStores.open(
        "s3://conformance", server.settings().with("direct-requests", String.valueOf(direct())));
  }

  @Test
  void theRequestsTakeThePathThisSuiteIsFor() {
    assertEquals(direct(), ((S3ObjectStore) store).sendsDirectRequests());
  }

  @Override
  protected void stopServer() throws Exception {
    server.close();
  }

  @Test
  void contentShorterThanItsLengthIsRefusedAndNothingIsWritten() {
    byte[] data = randomBytes(1000, 7);
    String key = base + "short";
    StoreException e =
        assertThrows(
            StoreException.class,
            () -> store.put(key, new ByteArrayInputStream(data), 4000, PutOptions.DEFAULT));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertThrows(
        ObjectNotFoundException.class, () -> store.head(key), "a short object was written");
  }

  @Test
  void withSignPayloadTheSdksSignedBodiesAreWrittenAndReadBack() {
    ObjectStore signing =
        ObjectStores.open("s3://conformance", server.settings().with("sign-payload", "true"));
    byte[] data = randomBytes(300_000, 9); // three signed chunks of 128 KiB
    String key = base + "signed-payload";
    signing.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    assertArrayEquals(data, readAll(key));
  }
}
