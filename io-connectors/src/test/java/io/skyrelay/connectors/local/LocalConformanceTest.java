package io.skyrelay.connectors.local;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/** The conformance suite for the local-disk connector on a temporary folder. */
class LocalConformanceTest extends ObjectStoreConformanceTest {

  private Path root;

  @Override
  protected ObjectStore openStore() throws Exception {
    root = Files.createTempDirectory("skyrelay-local-conformance");
    return ObjectStores.open(root.toUri().toString(), StoreSettings.EMPTY);
  }

  @Override
  protected void stopServer() throws Exception {
    try (var walk = Files.walk(root)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }
}
