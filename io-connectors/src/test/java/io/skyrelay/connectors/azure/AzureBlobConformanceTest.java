package io.skyrelay.connectors.azure;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;

/** The conformance suite for the Azure connector against Azurite, started as a child process. */
class AzureBlobConformanceTest extends ObjectStoreConformanceTest {

  private AzuriteServer server;

  @Override
  protected ObjectStore openStore() throws Exception {
    server = AzuriteServer.start();
    server.createContainer("conformance");
    return ObjectStores.open("az://" + AzuriteServer.ACCOUNT + "/conformance", server.settings());
  }

  @Override
  protected void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
