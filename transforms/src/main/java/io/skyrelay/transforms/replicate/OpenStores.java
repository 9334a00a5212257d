package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import java.util.ArrayList;
import java.util.List;

/** The open stores of a job on one worker: the source and every destination, with copiers. */
final class OpenStores implements AutoCloseable {
  final ObjectStore source;
  final List<ObjectStore> destinations = new ArrayList<>();
  final List<ObjectCopier> copiers = new ArrayList<>();

  OpenStores(ReplicationSpec spec) {
    source = spec.source().open();
    for (StoreLocation d : spec.destinations()) {
      ObjectStore store = d.open();
      destinations.add(store);
      copiers.add(new ObjectCopier(source, spec.source(), store, d, spec.serverSideCopy()));
    }
  }

  @Override
  public void close() {
    source.close();
    destinations.forEach(ObjectStore::close);
  }
}
