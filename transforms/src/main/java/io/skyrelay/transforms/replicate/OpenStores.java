package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ThrottledObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The open stores of a job on one worker: the source, every destination and every relay store, with
 * a copier per destination (and a relay copier where the job routes through relays). Each copier
 * reads the source as the job's {@link StoreViews} show it for that destination. The stores of a
 * step that sends bytes ({@link #OpenStores(ReplicationSpec, String, Object)}) are written at the
 * pace of the job's {@link BandwidthLimit}.
 */
final class OpenStores implements AutoCloseable {
  final ObjectStore source;
  final List<ObjectStore> destinations = new ArrayList<>();
  final List<ObjectCopier> copiers = new ArrayList<>();
  final List<RelayCopier> relayCopiers = new ArrayList<>();
  final Map<String, ObjectStore> relays = new TreeMap<>();

  /** The stores of a step that sends no bytes (or sends them at any pace). */
  OpenStores(ReplicationSpec spec) {
    this(spec, null, null);
  }

  /**
   * The stores of {@code worker}, an instance of step {@code step}, which writes to destinations
   * and relays within the job's bandwidth limit.
   */
  OpenStores(ReplicationSpec spec, String step, Object worker) {
    UnaryOperator<ObjectStore> pace = UnaryOperator.identity();
    if (step != null && spec.bandwidth().limits()) {
      ThrottledObjectStore.Rate rate = spec.bandwidth().join(step, worker);
      pace = store -> BandwidthLimit.paced(store, rate);
    }
    source = spec.source().open();
    Routing routing = spec.routing();
    if (routing.usesRelays()) {
      UnaryOperator<ObjectStore> paceRelay = pace;
      routing
          .relays()
          .forEach((region, location) -> relays.put(region, paceRelay.apply(location.open())));
    }
    for (int d = 0; d < spec.destinations().size(); d++) {
      StoreLocation location = spec.destination(d);
      ObjectStore store = pace.apply(location.open());
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
