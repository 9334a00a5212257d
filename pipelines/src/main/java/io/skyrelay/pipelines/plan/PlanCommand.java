package io.skyrelay.pipelines.plan;

import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.Sizes;
import io.skyrelay.transforms.planner.Objective;
import io.skyrelay.transforms.planner.Plan;
import io.skyrelay.transforms.planner.PlanRendering;
import io.skyrelay.transforms.planner.PlannerSettings;
import io.skyrelay.transforms.planner.RoutePlanner;
import io.skyrelay.transforms.regions.RegionData;
import java.io.PrintStream;
import java.nio.file.Path;
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
      out.println(PlanRendering.json(plan, bytes));
    } else {
      PlanRendering.print(plan, bytes, out);
    }
    return ExitStatus.OK;
  }
}
