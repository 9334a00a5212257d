package io.skyrelay.connectors.local;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.ThrottledObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The conformance suite for a {@link ThrottledObjectStore} over the local-disk connector, at a rate
 * high enough not to slow the suite: the decorator passes every operation on.
 */
class ThrottledLocalConformanceTest extends ObjectStoreConformanceTest {

  private Path root;

  @Override
  protected ObjectStore openStore() throws Exception {
    root = Files.createTempDirectory("skyrelay-throttled-conformance");
    return new ThrottledObjectStore(
        ObjectStores.open(root.toUri().toString(), StoreSettings.EMPTY),
        List.of(new ThrottledObjectStore.Rate(4e9)));
  }

  @Override
  protected void stopServer() throws Exception {
    try (var walk = Files.walk(root)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }
}
