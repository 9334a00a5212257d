package io.skyrelay.pipelines.experiments;

import io.skyrelay.transforms.planner.Objective;
import io.skyrelay.transforms.planner.Plan;
import io.skyrelay.transforms.planner.PlannerSettings;
import io.skyrelay.transforms.planner.RoutePlanner;
import io.skyrelay.transforms.regions.RegionData;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Plans every ordered pair of the grid's regions (71 x 70) with the fastest and the cheapest
 * objectives and summarises where an overlay beats the direct path, by how much, at what cost, and
 * how long the solver took. Usage: {@code GridEvaluation [CSV_OUT] [WORKERS_PER_REGION]}.
 */
public final class GridEvaluation {

  private GridEvaluation() {}

  /** One pair's figures. */
  record Row(
      String source,
      String destination,
      double directGbps,
      double directUsdPerGb,
      double fastestGbps,
      double fastestUsdPerGb,
      int fastestPaths,
      int fastestMaxRelays,
      double fastestMillis,
      double cheapestUsdPerGb,
      double cheapestGbps,
      double cheapestMillis) {

    double speedup() {
      return fastestGbps / directGbps;
    }

    boolean sameCloud() {
      return RegionData.provider(source).equals(RegionData.provider(destination));
    }
  }

  public static void main(String[] args) throws IOException {
    Path csv = args.length > 0 ? Path.of(args[0]) : null;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    RegionData data = RegionData.bundled();
    RoutePlanner planner =
        new RoutePlanner(data, PlannerSettings.defaults().withMaxWorkersPerRegion(workers));
    List<String> regions = new ArrayList<>(data.regions());
    // Warm the JIT on a few pairs so the timings measure the solver, not class loading.
    for (int i = 0; i < 20; i++) {
      planner.plan(regions.get(i), regions.get(i + 1), Objective.fastest());
    }
    List<Row> rows = new ArrayList<>();
    long start = System.nanoTime();
    for (String s : regions) {
      for (String d : regions) {
        if (s.equals(d)) {
          continue;
        }
        Plan f = planner.plan(s, d, Objective.fastest());
        Plan c = planner.plan(s, d, Objective.cheapest());
        rows.add(
            new Row(
                s,
                d,
                f.direct().gbps(),
                f.direct().usdPerGb(),
                f.gbps(),
                f.usdPerGb(),
                f.paths().size(),
                f.paths().stream().mapToInt(p -> p.relays().size()).max().orElse(0),
                f.solveMillis(),
                c.usdPerGb(),
                c.gbps(),
                c.solveMillis()));
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (csv != null) {
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
        w.println(
            "src,dst,direct_gbps,direct_usd_per_gb,fastest_gbps,fastest_usd_per_gb,fastest_paths,"
                + "fastest_max_relays,fastest_ms,cheapest_usd_per_gb,cheapest_gbps,cheapest_ms");
        for (Row r : rows) {
          w.printf(
              Locale.ROOT,
              "%s,%s,%.4f,%.4f,%.4f,%.5f,%d,%d,%.2f,%.5f,%.4f,%.2f%n",
              r.source(),
              r.destination(),
              r.directGbps(),
              r.directUsdPerGb(),
              r.fastestGbps(),
              r.fastestUsdPerGb(),
              r.fastestPaths(),
              r.fastestMaxRelays(),
              r.fastestMillis(),
              r.cheapestUsdPerGb(),
              r.cheapestGbps(),
              r.cheapestMillis());
        }
      }
    }
    print(rows, wall, workers, System.out);
  }

  static void print(List<Row> rows, double wall, int workers, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "Grid evaluation: %d ordered pairs, %d worker(s) per region, %.1f s in all%n%n",
        rows.size(),
        workers,
        wall);
    out.println(
        "| pairs | overlay faster (>1%) | >=1.5x | >=2x | median gain (where faster) | max gain |"
            + " median cost ratio (where faster) | median extra $/GB (where faster) |");
    out.println("|---|---|---|---|---|---|---|---|");
    summary("all", rows, out);
    summary("within a cloud", rows.stream().filter(Row::sameCloud).toList(), out);
    summary("across clouds", rows.stream().filter(r -> !r.sameCloud()).toList(), out);
    out.println();
    double[] fm = rows.stream().mapToDouble(Row::fastestMillis).sorted().toArray();
    double[] cm = rows.stream().mapToDouble(Row::cheapestMillis).sorted().toArray();
    out.printf(
        Locale.ROOT,
        "Solve time, fastest: median %.1f ms, p99 %.1f ms, max %.1f ms; cheapest: median %.1f ms,"
            + " p99 %.1f ms, max %.1f ms%n",
        q(fm, 0.5),
        q(fm, 0.99),
        fm[fm.length - 1],
        q(cm, 0.5),
        q(cm, 0.99),
        cm[cm.length - 1]);
    long cheaper =
        rows.stream().filter(r -> r.cheapestUsdPerGb() < r.directUsdPerGb() - 1e-9).count();
    out.printf(
        Locale.ROOT,
        "Pairs where a relay path is cheaper than direct: %d of %d%n",
        cheaper,
        rows.size());
    long twoRelays = rows.stream().filter(r -> r.fastestMaxRelays() == 2).count();
    long split = rows.stream().filter(r -> r.fastestPaths() > 1).count();
    out.printf(
        Locale.ROOT,
        "Fastest plans using two relays: %d; split over several paths: %d%n",
        twoRelays,
        split);
    Row best = rows.stream().max((a, b) -> Double.compare(a.speedup(), b.speedup())).orElseThrow();
    out.printf(
        Locale.ROOT,
        "Largest gain: %s -> %s, %.3f -> %.3f Gbps (%.1fx) at %.4f vs %.4f $/GB%n",
        best.source(),
        best.destination(),
        best.directGbps(),
        best.fastestGbps(),
        best.speedup(),
        best.fastestUsdPerGb(),
        best.directUsdPerGb());
  }

  private static void summary(String name, List<Row> rows, PrintStream out) {
    List<Row> faster = rows.stream().filter(r -> r.speedup() > 1.01).toList();
    double[] gains = faster.stream().mapToDouble(Row::speedup).sorted().toArray();
    double[] ratios =
        faster.stream()
            .mapToDouble(r -> r.fastestUsdPerGb() / r.directUsdPerGb())
            .sorted()
            .toArray();
    double[] extra =
        faster.stream()
            .mapToDouble(r -> r.fastestUsdPerGb() - r.directUsdPerGb())
            .sorted()
            .toArray();
    out.printf(
        Locale.ROOT,
        "| %s (%d) | %.1f%% | %.1f%% | %.1f%% | %.2fx | %.1fx | %.2fx | %.4f |%n",
        name,
        rows.size(),
        100.0 * faster.size() / rows.size(),
        100.0 * rows.stream().filter(r -> r.speedup() >= 1.5).count() / rows.size(),
        100.0 * rows.stream().filter(r -> r.speedup() >= 2).count() / rows.size(),
        q(gains, 0.5),
        gains.length == 0 ? 1 : gains[gains.length - 1],
        q(ratios, 0.5),
        q(extra, 0.5));
  }

  private static double q(double[] sorted, double quantile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double[] s = Arrays.copyOf(sorted, sorted.length);
    return s[(int) Math.min(s.length - 1, Math.floor(quantile * s.length))];
  }
}
