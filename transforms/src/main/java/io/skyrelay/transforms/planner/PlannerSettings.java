package io.skyrelay.transforms.planner;

import io.skyrelay.transforms.regions.RegionData;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The limits a plan must respect, per worker (one VM, or one Flink task manager, in a region).
 * Defaults follow the Skyplane paper's formulation: egress per worker at most 5 Gbps on AWS, 7 on
 * GCP and 16 on Azure; ingress at most 10, 16 and 16; 64 TCP connections per worker.
 *
 * @param maxWorkersPerRegion workers the plan may use in any one region (at least 1)
 * @param connectionsPerWorker open connections one worker can sustain
 * @param measuredConnections connections behind each throughput figure of the grid (64 for the
 *     bundled grid), so one connection carries {@code gbps / measuredConnections}
 * @param egressGbpsPerWorker per-provider egress cap of one worker, keyed {@code aws}, {@code gcp},
 *     {@code azure}
 * @param ingressGbpsPerWorker per-provider ingress cap of one worker
 * @param maxRelays relay regions a path may pass through: 0, 1 or 2
 * @param relayCandidates for paths through two relays: how many of the fastest and of the cheapest
 *     first hops (and last hops) to combine; 0 combines all regions (slower, same model)
 */
public record PlannerSettings(
    int maxWorkersPerRegion,
    int connectionsPerWorker,
    int measuredConnections,
    Map<String, Double> egressGbpsPerWorker,
    Map<String, Double> ingressGbpsPerWorker,
    int maxRelays,
    int relayCandidates)
    implements Serializable {

  /** Caps for a provider missing from the maps (and for {@code local:} labels). */
  static final double UNKNOWN_PROVIDER_CAP = 10;

  public PlannerSettings {
    if (maxWorkersPerRegion < 1) {
      throw new IllegalArgumentException(
          "workers per region must be at least 1, got " + maxWorkersPerRegion);
    }
    if (connectionsPerWorker < 1 || measuredConnections < 1) {
      throw new IllegalArgumentException("connection counts must be at least 1");
    }
    if (maxRelays < 0 || maxRelays > 2) {
      throw new IllegalArgumentException("a path may use 0, 1 or 2 relays, not " + maxRelays);
    }
    if (relayCandidates < 0) {
      throw new IllegalArgumentException("relay candidates must not be negative");
    }
    egressGbpsPerWorker = new TreeMap<>(egressGbpsPerWorker);
    ingressGbpsPerWorker = new TreeMap<>(ingressGbpsPerWorker);
  }

  public static PlannerSettings defaults() {
    return new PlannerSettings(
        1,
        64,
        64,
        Map.of("aws", 5.0, "gcp", 7.0, "azure", 16.0),
        Map.of("aws", 10.0, "gcp", 16.0, "azure", 16.0),
        2,
        8);
  }

  public PlannerSettings withMaxWorkersPerRegion(int workers) {
    return new PlannerSettings(
        workers,
        connectionsPerWorker,
        measuredConnections,
        egressGbpsPerWorker,
        ingressGbpsPerWorker,
        maxRelays,
        relayCandidates);
  }

  public PlannerSettings withConnectionsPerWorker(int connections) {
    return new PlannerSettings(
        maxWorkersPerRegion,
        connections,
        measuredConnections,
        egressGbpsPerWorker,
        ingressGbpsPerWorker,
        maxRelays,
        relayCandidates);
  }

  public PlannerSettings withMaxRelays(int relays) {
    return new PlannerSettings(
        maxWorkersPerRegion,
        connectionsPerWorker,
        measuredConnections,
        egressGbpsPerWorker,
        ingressGbpsPerWorker,
        relays,
        relayCandidates);
  }

  public PlannerSettings withRelayCandidates(int candidates) {
    return new PlannerSettings(
        maxWorkersPerRegion,
        connectionsPerWorker,
        measuredConnections,
        egressGbpsPerWorker,
        ingressGbpsPerWorker,
        maxRelays,
        candidates);
  }

  public PlannerSettings withEgressCap(String provider, double gbps) {
    Map<String, Double> egress = new TreeMap<>(egressGbpsPerWorker);
    egress.put(provider, gbps);
    return new PlannerSettings(
        maxWorkersPerRegion,
        connectionsPerWorker,
        measuredConnections,
        egress,
        ingressGbpsPerWorker,
        maxRelays,
        relayCandidates);
  }

  /** Egress cap of one worker in {@code region}, in Gbps. */
  public double egressCap(String region) {
    return egressGbpsPerWorker.getOrDefault(RegionData.provider(region), UNKNOWN_PROVIDER_CAP);
  }

  /** Ingress cap of one worker in {@code region}, in Gbps. */
  public double ingressCap(String region) {
    return ingressGbpsPerWorker.getOrDefault(RegionData.provider(region), UNKNOWN_PROVIDER_CAP);
  }
}
