package io.skyrelay.connectors.local;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PrefixedConformanceTest;
import io.skyrelay.connectors.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/** The conformance suite for a {@link io.skyrelay.connectors.PrefixedObjectStore} on local disk. */
class PrefixedLocalConformanceTest extends PrefixedConformanceTest {

  private Path root;

  @Override
  protected ObjectStore openWholeStore() throws Exception {
    root = Files.createTempDirectory("skyrelay-prefixed-conformance");
    return ObjectStores.open(root.toUri().toString(), StoreSettings.EMPTY);
  }

  @Override
  protected void stopServer() throws Exception {
    try (var walk = Files.walk(root)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }
}
