package io.skyrelay.gateway.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The placement policies the gateway runs live so far, by the names the replay simulator gives
 * them:
 *
 * <ul>
 *   <li>{@code replicate-all}: every write is copied to every region;
 *   <li>{@code push:r1+r2}: every write is copied to the regions named;
 *   <li>{@code pull-evict}: only the region that received a write holds it; reads elsewhere are
 *       served remotely and leave no copy.
 * </ul>
 */
public final class PlacementPolicies {

  /** The specs {@link #parse} accepts, for error messages and help. */
  public static final String SPECS = "replicate-all, push:REGION+REGION..., pull-evict";

  private PlacementPolicies() {}

  /**
   * Parses a policy spec against the deployment's region labels.
   *
   * @throws IllegalArgumentException naming what is wrong with the spec
   */
  public static PlacementPolicy parse(String spec, List<String> regions) {
    String s = spec.trim();
    if (s.equals("replicate-all")) {
      return new Fixed(s, null);
    }
    if (s.equals("pull-evict")) {
      return new Fixed(s, List.of());
    }
    if (s.startsWith("push:")) {
      List<String> targets = new ArrayList<>();
      for (String r : s.substring("push:".length()).split("\\+")) {
        if (!regions.contains(r)) {
          throw new IllegalArgumentException(
              "policy '" + spec + "' names region '" + r + "', which is not one of " + regions);
        }
        targets.add(r);
      }
      return new Fixed(s, List.copyOf(targets));
    }
    throw new IllegalArgumentException(
        "unknown placement policy '"
            + spec
            + "'; the gateway runs "
            + SPECS
            + " (the other replay policies are not live yet)");
  }

  /** A policy that copies every write to a fixed set of regions ({@code null}: all of them). */
  private record Fixed(String name, List<String> targets) implements PlacementPolicy {
    @Override
    public List<String> replicasAfterWrite(String writerRegion, List<String> regions) {
      List<String> out = new ArrayList<>();
      for (String r : targets == null ? regions : targets) {
        if (!r.equals(writerRegion) && regions.contains(r)) {
          out.add(r);
        }
      }
      return out;
    }
  }
}
