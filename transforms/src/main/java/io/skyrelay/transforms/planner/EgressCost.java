package io.skyrelay.transforms.planner;

import io.skyrelay.transforms.regions.RegionData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The egress price of moving bytes between regions, from one set of region data: bytes pay every
 * hop they take (source to the first relay, relay to relay, the last relay to the destination),
 * each at that hop's egress price. The planner prices its paths with it and a replication's report
 * and dry run price the bytes each route carried with it, so a plan and the report of the job that
 * carried it out agree.
 */
public final class EgressCost {

  private final RegionData regions;

  public EgressCost(RegionData regions) {
    this.regions = Objects.requireNonNull(regions, "regions");
  }

  public RegionData regions() {
    return regions;
  }

  /**
   * USD per GB along {@code path} (the source, the relays in order, the destination): the sum of
   * its hops' egress prices.
   *
   * @throws IllegalArgumentException when a hop's regions are unknown or the hop has no price
   */
  public double usdPerGb(List<String> path) {
    double usd = 0;
    for (int h = 0; h + 1 < path.size(); h++) {
      usd += regions.egressUsdPerGb(path.get(h), path.get(h + 1));
    }
    return usd;
  }

  /** USD per GB from {@code source} through {@code relays} (in order) to {@code destination}. */
  public double usdPerGb(String source, List<String> relays, String destination) {
    return usdPerGb(path(source, relays, destination));
  }

  /**
   * USD of a transfer from {@code source} to {@code destination}, given the bytes each route
   * carried, keyed by the route's relay regions in order (the empty list is the direct path). A
   * route that carried no bytes costs nothing, whatever its regions.
   *
   * @throws IllegalArgumentException when a route that carried bytes has no price
   */
  public double usd(String source, String destination, Map<List<String>, Long> bytesByRelays) {
    double usd = 0;
    for (Map.Entry<List<String>, Long> route : bytesByRelays.entrySet()) {
      long bytes = route.getValue();
      if (bytes != 0) {
        usd += bytes / 1e9 * usdPerGb(source, route.getKey(), destination);
      }
    }
    return usd;
  }

  private static List<String> path(String source, List<String> relays, String destination) {
    List<String> path = new ArrayList<>(relays.size() + 2);
    path.add(source);
    path.addAll(relays);
    path.add(destination);
    return path;
  }
}
