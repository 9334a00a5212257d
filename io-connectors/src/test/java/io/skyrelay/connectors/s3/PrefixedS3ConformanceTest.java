package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PrefixedConformanceTest;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;

/**
 * The conformance suite for a {@link io.skyrelay.connectors.PrefixedObjectStore} on a bucket of
 * S3Proxy, started in this JVM.
 */
class PrefixedS3ConformanceTest extends PrefixedConformanceTest {

  private S3ProxyServer server;

  @Override
  protected ObjectStore openWholeStore() throws Exception {
    server = S3ProxyServer.startInMemory();
    server.createBucket("conformance");
    return ObjectStores.open("s3://conformance", server.settings());
  }

  @Override
  protected void stopServer() throws Exception {
    server.close();
  }
}
