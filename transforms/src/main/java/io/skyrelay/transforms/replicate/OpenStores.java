package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The open stores of a job on one worker: the source, every destination and every relay store, with
 * a copier per destination (and a relay copier where the job routes through relays). Each copier
 * reads the source as the job's {@link StoreViews} show it for that destination.
 */
final class OpenStores implements AutoCloseable {
  final ObjectStore source;
  final List<ObjectStore> destinations = new ArrayList<>();
  final List<ObjectCopier> copiers = new ArrayList<>();
  final List<RelayCopier> relayCopiers = new ArrayList<>();
  final Map<String, ObjectStore> relays = new TreeMap<>();

  OpenStores(ReplicationSpec spec) {
    source = spec.source().open();
    Routing routing = spec.routing();
    if (routing.usesRelays()) {
      routing.relays().forEach((region, location) -> relays.put(region, location.open()));
    }
    for (int d = 0; d < spec.destinations().size(); d++) {
      StoreLocation location = spec.destination(d);
      ObjectStore store = location.open();
      destinations.add(store);
      copiers.add(
          new ObjectCopier(
              spec.views().readFor(source, spec.source().region(), location.region()),
              spec.source(),
              store,
              location,
              spec.serverSideCopy()));
      relayCopiers.add(
          routing.usesRelays()
              ? new RelayCopier(
                  source, spec.source(), store, location, d, relays, routing, spec.views())
              : null);
    }
  }

  @Override
  public void close() {
    source.close();
    destinations.forEach(ObjectStore::close);
    relays.values().forEach(ObjectStore::close);
  }
}
