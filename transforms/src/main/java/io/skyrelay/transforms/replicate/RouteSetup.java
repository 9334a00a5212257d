package io.skyrelay.transforms.replicate;

import io.skyrelay.transforms.planner.Objective;
import io.skyrelay.transforms.planner.Plan;
import io.skyrelay.transforms.planner.PlanRendering;
import io.skyrelay.transforms.planner.PlannerSettings;
import io.skyrelay.transforms.planner.RoutePlanner;
import io.skyrelay.transforms.regions.RegionData;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a job's routing options into its {@link Routing}: plans each destination (or takes a given
 * plan), checks that every relay region a plan uses has a relay store, and, when link emulation is
 * on, has the workers read every store through {@link EmulatedLinks} at the grid's link speeds.
 *
 * @param relays relay store per region label
 * @param objective what to plan for, or null
 * @param plan a plan to carry out (from {@code skyrelay plan --json}), or null
 * @param emulatedBytesPerGbps when not null, emulate links: a 1 Gbps link of the grid becomes this
 *     many bytes per second
 * @param regions the region data
 */
public record RouteSetup(
    Map<String, StoreLocation> relays,
    Objective objective,
    Plan plan,
    Double emulatedBytesPerGbps,
    RegionData regions) {

  /** Whether these options change anything about how bytes travel. */
  public boolean active() {
    return !relays.isEmpty() || objective != null || plan != null || emulatedBytesPerGbps != null;
  }

  /** The spec with its routing; prints each destination's plan to {@code out}. */
  public ReplicationSpec apply(ReplicationSpec spec, PrintStream out) {
    if (!active()) {
      return spec;
    }
    List<List<Routing.Route>> paths = new ArrayList<>();
    Objective goal = objective;
    if (goal == null && plan == null && !relays.isEmpty()) {
      goal = Objective.fastest();
    }
    String src = spec.source().region();
    for (StoreLocation d : spec.destinations()) {
      Plan p = null;
      if (plan != null) {
        if (!plan.source().equals(src) || !plan.destination().equals(d.region())) {
          throw new IllegalArgumentException(
              "the plan is for "
                  + plan.source()
                  + " -> "
                  + plan.destination()
                  + " but the job copies "
                  + src
                  + " -> "
                  + d.region()
                  + "; label the stores with those regions, or plan again");
        }
        p = plan;
      } else if (goal != null) {
        p =
            new RoutePlanner(regions, PlannerSettings.defaults())
                .withRelaysIn(relays.keySet())
                .plan(src, d.region(), goal);
      }
      if (p != null) {
        out.println("Route to " + d + ":");
        PlanRendering.printPaths(p, out);
        paths.add(Routing.routesOf(p));
      } else {
        paths.add(List.of());
      }
    }
    String jobId =
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
    Routing routing = new Routing(paths, relays, "skyrelay-staging/" + jobId + "/");
    boolean serverSide = spec.serverSideCopy() && emulatedBytesPerGbps == null;
    StoreViews views = spec.views();
    if (emulatedBytesPerGbps != null) {
      out.printf(
          Locale.ROOT,
          "Emulating links between region labels: 1 Gbps of the grid = %.1f MiB/s%n",
          emulatedBytesPerGbps / (1 << 20));
      views = new EmulatedLinks(emulatedLinks(spec));
    }
    return new ReplicationSpec(
        spec.source(),
        spec.destinations(),
        spec.chunkSize(),
        spec.diffMode(),
        spec.delete(),
        spec.maxDelete(),
        spec.threads(),
        serverSide,
        routing,
        spec.keys(),
        views,
        spec.bandwidth());
  }

  /** Link speeds between every pair of the job's region labels, and each region's egress cap. */
  Map<String, Double> emulatedLinks(ReplicationSpec spec) {
    Map<String, Double> links = new TreeMap<>();
    if (emulatedBytesPerGbps == null) {
      return links;
    }
    Set<String> labels = new LinkedHashSet<>();
    labels.add(spec.source().region());
    spec.destinations().forEach(d -> labels.add(d.region()));
    labels.addAll(relays.keySet());
    PlannerSettings caps = PlannerSettings.defaults();
    for (String a : labels) {
      for (String b : labels) {
        double g = regions.throughputGbps(a, b);
        if (!a.equals(b) && g > 0) {
          links.put(a + ">" + b, g * emulatedBytesPerGbps);
        }
      }
      if (regions.regions().contains(a)) {
        links.put(a + ">*", caps.egressCap(a) * emulatedBytesPerGbps);
      }
    }
    return links;
  }
}
