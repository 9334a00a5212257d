package io.skyrelay.transforms.replicate;

import io.skyrelay.transforms.planner.Plan;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a job's bytes travel: for each destination, the paths of its plan with their shares, the
 * relay store of each relay region, and a job-unique staging prefix. {@link #direct()} is the
 * default: every byte on the direct path.
 *
 * @param paths per destination index, the paths and shares (empty: direct only)
 * @param relays the relay store of each relay region a path uses
 * @param stagingPrefix where staged copies go inside a relay store (ends with {@code /})
 */
public record Routing(
    List<List<Route>> paths, Map<String, StoreLocation> relays, String stagingPrefix)
    implements Serializable {

  /**
   * One path: its relay regions in order (empty for the direct path) and its share of the bytes.
   */
  public record Route(List<String> relays, double share) implements Serializable {
    public Route {
      relays = List.copyOf(relays);
    }

    public boolean isDirect() {
      return relays.isEmpty();
    }

    /** {@code direct}, or the relays joined by {@code +}. */
    public String label() {
      return relays.isEmpty() ? "direct" : String.join("+", relays);
    }
  }

  public static final Route DIRECT = new Route(List.of(), 1);

  public Routing {
    List<List<Route>> copy = new ArrayList<>();
    for (List<Route> p : paths) {
      copy.add(List.copyOf(p));
    }
    paths = List.copyOf(copy);
    relays = new TreeMap<>(relays);
    if (!stagingPrefix.isEmpty() && !stagingPrefix.endsWith("/")) {
      stagingPrefix = stagingPrefix + "/";
    }
    for (List<Route> p : paths) {
      for (Route r : p) {
        for (String relay : r.relays()) {
          if (!relays.containsKey(relay)) {
            throw new IllegalArgumentException(
                "the plan routes through "
                    + relay
                    + " but no relay store is configured for it; add --relay "
                    + relay
                    + "=URI");
          }
        }
      }
    }
  }

  public static Routing direct() {
    return new Routing(List.of(), Map.of(), "");
  }

  /** The routes of a plan, as this job carries them out. */
  public static List<Route> routesOf(Plan plan) {
    List<Route> routes = new ArrayList<>();
    for (Plan.Path p : plan.paths()) {
      routes.add(new Route(p.relays(), p.share()));
    }
    return routes;
  }

  /** Whether any byte of any destination may travel through a relay. */
  public boolean usesRelays() {
    return paths.stream().flatMap(List::stream).anyMatch(r -> !r.isDirect());
  }

  /**
   * The route of one unit of work (a whole object, or one part of a large one) to destination
   * {@code destination}: chosen by a hash of the key and part number against the cumulative shares,
   * so the same unit always takes the same path and the bytes split in the planned shares.
   */
  public Route route(int destination, String key, int part) {
    if (destination >= paths.size() || paths.get(destination).isEmpty()) {
      return DIRECT;
    }
    List<Route> routes = paths.get(destination);
    double u = unit(key + "#" + part);
    double total = routes.stream().mapToDouble(Route::share).sum();
    double cumulative = 0;
    for (Route r : routes) {
      cumulative += r.share() / total;
      if (u < cumulative) {
        return r;
      }
    }
    return routes.get(routes.size() - 1);
  }

  /** A uniform number in [0, 1) from a string, the same on every JVM. */
  static double unit(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    // SplitMix64 finalizer spreads FNV's low-entropy high bits.
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }

  /** The key under which unit {@code name} of destination {@code destination} is staged. */
  String stagedKey(StoreLocation relay, int destination, String name) {
    return relay.keyOf(stagingPrefix + destination + "/" + name);
  }
}
