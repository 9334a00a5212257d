package io.skyrelay.pipelines.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.Sizes;
import io.skyrelay.transforms.planner.Objective;
import io.skyrelay.transforms.planner.Plan;
import io.skyrelay.transforms.planner.PlannerSettings;
import io.skyrelay.transforms.planner.RoutePlanner;
import io.skyrelay.transforms.regions.RegionData;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay plan SRC_REGION DST_REGION}. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Plans a transfer between two regions: the paths (direct, or through up to two relay"
          + " regions), each path's share of the bytes, the predicted throughput and time, the"
          + " egress cost, and the comparison with the direct path.",
      "",
      "Regions are labels such as aws:us-east-1, azure:westeurope, gcp:us-central1-a" + "."
    },
    footer = {
      "",
      "Examples:",
      "  skyrelay plan aws:us-west-2 gcp:asia-south2-a",
      "  skyrelay plan aws:us-west-2 gcp:asia-south2-a --objective cheapest --min-gbps 2",
      "  skyrelay plan aws:us-west-2 gcp:asia-south2-a --objective fastest --max-usd-per-gb 0.12",
      "  skyrelay plan azure:westeurope gcp:asia-south1-a --size 50GB --json > plan.json",
      "",
      "Exit status: 0 planned, 2 bad arguments or no plan meets the objective."
    })
public final class PlanCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SRC_REGION", description = "Where the data is.")
  String source;

  @Parameters(index = "1", paramLabel = "DST_REGION", description = "Where it goes.")
  String destination;

  @Option(
      names = "--objective",
      defaultValue = "fastest",
      description =
          "direct, cheapest or fastest (default ${DEFAULT-VALUE}); cheapest with --min-gbps is"
              + " the cheapest plan reaching that throughput, fastest with --max-usd-per-gb the"
              + " fastest within that egress price.")
  String objective;

  @Option(names = "--min-gbps", description = "Throughput floor for --objective cheapest.")
  Double minGbps;

  @Option(
      names = "--max-usd-per-gb",
      description = "Egress price ceiling (USD per GB) for --objective fastest.")
  Double maxUsdPerGb;

  @Option(
      names = "--size",
      defaultValue = "1TB",
      description = "How much data, for the predicted time and cost (default ${DEFAULT-VALUE}).")
  String size;

  @Option(
      names = "--workers",
      defaultValue = "1",
      description = "Workers (VMs) the plan may use in each region (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "TCP connections per worker (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--max-relays",
      defaultValue = "2",
      description = "Relay regions a path may pass through: 0, 1 or 2 (default ${DEFAULT-VALUE}).")
  int maxRelays;

  @Option(
      names = "--regions",
      paramLabel = "DIR",
      description =
          "Folder with your own egress.csv and throughput.csv (and optionally rtt.csv,"
              + " storage_prices.csv) in the bundled format, instead of the bundled data.")
  Path regionsDir;

  @Option(names = "--json", description = "Print the plan as JSON (for scripts, and --plan).")
  boolean json;

  @Override
  public Integer call() {
    long bytes = Sizes.parse(size);
    if (bytes <= 0) {
      throw new IllegalArgumentException("--size must be positive, got " + size);
    }
    RoutePlanner planner =
        new RoutePlanner(
            RegionData.bundledOr(regionsDir),
            PlannerSettings.defaults()
                .withMaxWorkersPerRegion(workers)
                .withConnectionsPerWorker(connections)
                .withMaxRelays(maxRelays));
    Plan plan = planner.plan(source, destination, Objective.parse(objective, minGbps, maxUsdPerGb));
    PrintStream out = System.out;
    if (json) {
      out.println(json(plan, bytes));
    } else {
      print(plan, bytes, out);
    }
    return ExitStatus.OK;
  }

  /** The plan's JSON with a {@code transfer} section for {@code bytes}; it reads back as a plan. */
  static String json(Plan plan, long bytes) {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    try {
      ObjectNode root = (ObjectNode) m.readTree(plan.toJson());
      ObjectNode t = root.putObject("transfer");
      t.put("bytes", bytes);
      t.put("seconds", plan.seconds(bytes));
      t.put("egressUsd", plan.egressUsd(bytes));
      t.put("directSeconds", bytes * 8 / (plan.direct().gbps() * 1e9));
      t.put("directEgressUsd", bytes / 1e9 * plan.direct().usdPerGb());
      t.put("speedup", plan.speedup());
      t.put("costRatio", plan.usdPerGb() / plan.direct().usdPerGb());
      return m.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The human-readable plan. */
  static void print(Plan plan, long bytes, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "Plan %s -> %s (%s), %s, at most %d worker(s) per region%n",
        plan.source(),
        plan.destination(),
        plan.objective(),
        bytes(bytes),
        plan.settings().maxWorkersPerRegion());
    printPaths(plan, out);
    double directSeconds = bytes * 8 / (plan.direct().gbps() * 1e9);
    double directUsd = bytes / 1e9 * plan.direct().usdPerGb();
    out.printf(
        Locale.ROOT,
        "  plan:   %8.3f Gbps, %s, egress $%,.2f ($%.4f/GB)%n",
        plan.gbps(),
        duration(plan.seconds(bytes)),
        plan.egressUsd(bytes),
        plan.usdPerGb());
    out.printf(
        Locale.ROOT,
        "  direct: %8.3f Gbps, %s, egress $%,.2f ($%.4f/GB)%n",
        plan.direct().gbps(),
        duration(directSeconds),
        directUsd,
        plan.direct().usdPerGb());
    out.printf(
        Locale.ROOT,
        "  => %.2fx the direct path's throughput at %.2fx its egress cost%n",
        plan.speedup(),
        plan.usdPerGb() / plan.direct().usdPerGb());
    StringBuilder w = new StringBuilder();
    plan.workers().forEach((r, n) -> w.append(w.length() == 0 ? "" : ", ").append(r + " " + n));
    out.println("  workers: " + w);
    out.printf(Locale.ROOT, "  solved in %.0f ms%n", plan.solveMillis());
  }

  /** The table of a plan's paths. */
  public static void printPaths(Plan plan, PrintStream out) {
    int width = plan.paths().stream().mapToInt(p -> p.label().length()).max().orElse(10);
    out.printf(
        Locale.ROOT,
        "  %-" + width + "s  %6s  %8s  %7s  %s%n",
        "path",
        "share",
        "Gbps",
        "$/GB",
        "connections per hop");
    for (Plan.Path p : plan.paths()) {
      out.printf(
          Locale.ROOT,
          "  %-" + width + "s  %5.1f%%  %8.3f  %7.4f  %s%n",
          p.label(),
          p.share() * 100,
          p.gbps(),
          p.usdPerGb(),
          p.connections());
    }
  }

  static String bytes(long b) {
    if (b >= 1_000_000_000_000L) {
      return String.format(Locale.ROOT, "%.3g TB", b / 1e12);
    }
    if (b >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.3g GB", b / 1e9);
    }
    return String.format(Locale.ROOT, "%.3g MB", b / 1e6);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%.1f s", seconds);
  }
}
