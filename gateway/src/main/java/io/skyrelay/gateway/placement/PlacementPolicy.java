package io.skyrelay.gateway.placement;

import io.skyrelay.gateway.namespace.PhysicalCopy;
import java.util.List;
import java.util.Optional;

/**
 * Decides where the copies of a bucket's objects go and which copy serves a read. A write is always
 * stored first in the region that received it (its base copy); the policy names the regions copied
 * to afterwards, and picks among the ready copies when an object is read.
 */
public interface PlacementPolicy {

  /** The spec this policy was parsed from ({@code replicate-all}, {@code push:a+b}). */
  String name();

  /**
   * The regions, other than {@code writerRegion}, that get a copy of every write, in the order they
   * should be filled.
   *
   * @param regions every region of the deployment, in configuration order
   */
  List<String> replicasAfterWrite(String writerRegion, List<String> regions);

  /**
   * The copy a reader in {@code readerRegion} is served from, among ready copies: its own region's
   * when there is one, else the first other in configuration order (pricing by egress and latency
   * comes with the region data).
   */
  default Optional<PhysicalCopy> copyToRead(
      String readerRegion, List<PhysicalCopy> ready, List<String> regions) {
    for (PhysicalCopy c : ready) {
      if (c.region().equals(readerRegion)) {
        return Optional.of(c);
      }
    }
    return ready.stream().min((a, b) -> rank(a, regions) - rank(b, regions));
  }

  private static int rank(PhysicalCopy c, List<String> regions) {
    int i = regions.indexOf(c.region());
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
