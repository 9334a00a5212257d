package io.skyrelay.gateway.placement;

import io.skyrelay.transforms.placement.Policy;
import java.util.List;

/**
 * The placement policies a virtual bucket can have: the replay simulator's own ({@link Policy}),
 * run live, by the same specs. Every one but {@code optimum}, which decides with knowledge of the
 * requests to come and so exists only in replay.
 */
public final class PlacementPolicies {

  /** The specs {@link #parse} accepts, for error messages and help. */
  public static final String SPECS =
      "single[:REGION], replicate-all, push:REGION+REGION..., pull-keep, pull-evict,"
          + " ttl:DURATION, break-even, adaptive, lru:SIZE";

  private PlacementPolicies() {}

  /**
   * Parses a policy spec against the deployment's region labels, in configuration order ({@code
   * single} without a region means the first).
   *
   * @throws IllegalArgumentException naming what is wrong with the spec
   */
  public static Policy parse(String spec, List<String> regions) {
    Policy p;
    try {
      p = Policy.parse(spec, regions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage().startsWith("unknown policy")
              ? "unknown placement policy '" + spec.trim() + "'; the gateway runs " + SPECS
              : e.getMessage());
    }
    if (p.kind() == Policy.Kind.OPTIMUM) {
      throw new IllegalArgumentException(
          "policy 'optimum' cannot run live: it decides knowing every request to come, so it"
              + " exists only in replay; the gateway runs "
              + SPECS);
    }
    return p;
  }
}
