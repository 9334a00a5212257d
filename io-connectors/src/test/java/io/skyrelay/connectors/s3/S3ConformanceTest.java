package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;

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
}
