package io.skyrelay.pipelines.replay;

import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.Policy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay replay gateway TRACE}. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Replays a trace through live S3 gateways, one policy at a time, with trace time"
          + " compressed by --speedup and one S3 client per region label, and prints per policy"
          + " the cost the gateway measured (its own cost metrics) beside the cost the simulator"
          + " predicts for the same requests and policy, with the differences whose causes are"
          + " known and what is left.",
      "",
      "The regions come from a gateway configuration (--config: labels, stores, prices-as,"
          + " access keys, region data; its database and buckets are not used), or by default"
          + " are --regions over folders in a temporary directory, priced as themselves."
          + " Workload region 1 is the first region of the config, and so on. Each policy gets"
          + " a fresh gateway with one bucket, 'replay', under that policy."
    },
    footer = {
      "",
      "Example:",
      "  skyrelay replay gateway demo --policies replicate-all,pull-keep,ttl:30m \\",
      "      --max-requests 2000 --max-object-size 64KiB --speedup 36000",
      "",
      "Exit status: 0 measured and predicted costs agree (each kind, after the explained"
          + " differences, within --tolerance), 1 they do not, 2 bad arguments, 3 the replay"
          + " failed."
    })
public final class ReplayGatewayCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TRACE", description = "Trace or workload CSV, or 'demo'.")
  String trace;

  @Option(names = "--config", paramLabel = "FILE", description = "Gateway YAML (regions, keys).")
  Path config;

  @Option(
      names = "--regions",
      split = ",",
      description =
          "Without --config: the region labels, over folders (default "
              + ReplayRunCommand.DEFAULT_REGIONS
              + ").")
  List<String> regions;

  @Option(
      names = "--policies",
      defaultValue = "replicate-all,pull-keep,pull-evict,ttl:1h",
      split = ",",
      description = "Policies to replay, as a bucket's policy (default ${DEFAULT-VALUE}).")
  List<String> policies;

  @Option(
      names = {"--workload", "--type"},
      defaultValue = "A",
      description = "Workload type A-E for an IBM trace (default ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--seed", defaultValue = "1", description = "Workload seed (default 1).")
  long seed;

  @Option(
      names = "--speedup",
      defaultValue = "3600",
      description = "Trace time per wall-clock time (default ${DEFAULT-VALUE}).")
  double speedup;

  @Option(
      names = "--max-object-size",
      defaultValue = "64KiB",
      description =
          "Writes are cut to this size, in the simulation too (default ${DEFAULT-VALUE}).")
  String maxObjectSize;

  @Option(
      names = "--max-requests",
      defaultValue = "2000",
      description = "Replay at most this many requests (default ${DEFAULT-VALUE}).")
  long maxRequests;

  @Option(
      names = "--tolerance",
      defaultValue = "0.001",
      description =
          "Residual allowed per cost kind, relative to the prediction (default ${DEFAULT-VALUE}).")
  double tolerance;

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory("skyrelay-replay-gateway-");
    try {
      GatewayConfig deployment = deployment(work);
      GatewayReplay replay = new GatewayReplay(deployment, work);
      out.println(
          "replaying "
              + trace
              + " through gateways over "
              + String.join(", ", replay.regions())
              + " under "
              + String.join(", ", policies)
              + ", "
              + speedup
              + "x");
      GatewayReplay.Report r =
          replay.run(
              ReplayRunCommand.resolveTrace(trace),
              WorkloadType.parse(workload),
              seed,
              policies.stream().map(String::trim).toList(),
              new GatewayReplay.Settings(
                  speedup, Policy.bytes(maxObjectSize), maxRequests, Duration.ofSeconds(60)));
      out.print(r.describe());
      boolean agree = r.outcomes().stream().allMatch(o -> o.agrees(tolerance));
      out.println(
          agree
              ? "measured and predicted costs agree within " + tolerance + " once explained"
              : "measured and predicted costs differ by more than " + tolerance);
      return agree ? ExitStatus.OK : ExitStatus.PARTIAL;
    } finally {
      deleteTree(work);
    }
  }

  private GatewayConfig deployment(Path work) throws IOException {
    if (config != null) {
      if (regions != null) {
        throw new IllegalArgumentException("--regions is for replays without --config");
      }
      return GatewayConfigLoader.load(config);
    }
    List<String> labels =
        regions == null
            ? Arrays.asList(ReplayRunCommand.DEFAULT_REGIONS.split(","))
            : regions.stream().map(String::trim).toList();
    GatewayConfig demo = Gateway.demoConfig(work.resolve("demo"));
    List<RegionConfig> rs = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      Path folder = work.resolve("region-" + i);
      Files.createDirectories(folder);
      rs.add(new RegionConfig(labels.get(i), "127.0.0.1", 0, folder.toUri().toString(), Map.of()));
    }
    return new GatewayConfig(
        work.resolve("unused").toString(), rs, List.of(), "replicate-all", demo.accessKeys());
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
    }
  }
}
