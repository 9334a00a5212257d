package io.skyrelay.pipelines.replay;

import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.sync.SyncConfig;
import io.skyrelay.pipelines.sync.SyncJob;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.sync.SyncMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay replay live TRACE --sync-config FILE}. */
@Command(
    name = "live",
    mixinStandardHelpOptions = true,
    description = {
      "Replays a trace's writes, deletes and reads against real stores while the sync job"
          + " replicates them, with trace time compressed by --speedup, and reports replication"
          + " lag and reads that found no replica.",
      "",
      "The stores, Kafka topic and replicas come from a sync configuration (see skyrelay sync):"
          + " workload region 1 is the mapping's source, region 2 its first replica, and so on"
          + " (their 'region' labels in the stores list, or --regions). Every write and delete"
          + " goes to the source with its S3 event on the mapping's topic; a read issued in a"
          + " replica's region looks at that replica.",
      "By default the sync job runs in this process for the length of the replay (--runner,"
          + " --flinkMaster); --no-sync-job uses one that is already running."
    },
    footer = {
      "",
      "Example:",
      "  skyrelay replay live trace.txt --sync-config sync.yaml --workload D --speedup 600 \\",
      "      --max-requests 20000 --max-object-size 1MiB",
      "",
      "Exit status: 0 every write replicated in time, 1 some were not, 2 bad arguments,"
          + " 3 the replay failed."
    })
public final class ReplayLiveCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TRACE", description = "Trace or workload CSV, or 'demo'.")
  String trace;

  @Option(names = "--sync-config", required = true, paramLabel = "FILE", description = "Sync YAML.")
  Path syncConfig;

  @Option(names = "--mapping", description = "Mapping to use (default: the first).")
  String mapping;

  @Option(
      names = "--regions",
      split = ",",
      description = "Labels of the source and the replicas, in that order (default: their labels).")
  List<String> regions;

  @Option(
      names = {"--workload", "--type"},
      defaultValue = "A",
      description = "Workload type A-E for an IBM trace (default ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--seed", defaultValue = "1", description = "Workload seed (default 1).")
  long seed;

  @Option(
      names = "--speedup",
      defaultValue = "60",
      description = "Trace time per wall-clock time (default ${DEFAULT-VALUE}).")
  double speedup;

  @Option(
      names = "--max-object-size",
      defaultValue = "1MiB",
      description = "Writes are cut to this size (default ${DEFAULT-VALUE}).")
  String maxObjectSize;

  @Option(
      names = "--max-requests",
      defaultValue = "10000",
      description = "Stop after this many requests (default ${DEFAULT-VALUE}).")
  long maxRequests;

  @Option(
      names = "--settle",
      defaultValue = "60s",
      description =
          "How long to wait for replicas after the last request (default ${DEFAULT-VALUE}).")
  String settle;

  @Option(names = "--no-sync-job", description = "Do not start the sync job here.")
  boolean noSyncJob;

  @Mixin RunnerOptions runner;

  @Override
  public Integer call() throws Exception {
    SyncConfig cfg = SyncConfig.read(syncConfig, System.getenv());
    SyncMapping m =
        mapping == null
            ? cfg.mappings().get(0)
            : cfg.mappings().stream()
                .filter(x -> x.name().equals(mapping))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no mapping named " + mapping));
    StoreLocation source = m.source();
    List<StoreLocation> replicas = new ArrayList<>(m.replicas());
    if (regions != null) {
      if (regions.size() != replicas.size() + 1) {
        throw new IllegalArgumentException(
            "--regions needs "
                + (replicas.size() + 1)
                + " labels: the source's, then each replica's");
      }
      source = source.withRegion(regions.get(0).trim());
      for (int i = 0; i < replicas.size(); i++) {
        replicas.set(i, replicas.get(i).withRegion(regions.get(i + 1).trim()));
      }
    }
    LiveReplay live = new LiveReplay(source, replicas, cfg.kafka().bootstrapServers(), m.topic());
    System.out.println(
        "live replay of "
            + trace
            + " over "
            + live.regions()
            + " (source first), "
            + speedup
            + "x");
    PipelineResult job = null;
    if (!noSyncJob) {
      PipelineOptions o = runner.streamingOptions("skyrelay-live-sync", 2_000);
      o.as(DirectOptions.class).setBlockOnRun(false);
      Pipeline p = Pipeline.create(o);
      SyncJob.build(p, cfg, 0);
      job = p.run();
    }
    try {
      LiveReplay.Report r =
          live.run(
              ReplayRunCommand.resolveTrace(trace),
              WorkloadType.parse(workload),
              seed,
              new LiveReplay.Settings(
                  speedup,
                  io.skyrelay.transforms.placement.Policy.bytes(maxObjectSize),
                  maxRequests,
                  Duration.ofMillis(io.skyrelay.transforms.placement.Policy.durationMs(settle)),
                  Duration.ofMillis(20)));
      System.out.print(r.describe());
      return r.notReplicated() > 0 ? ExitStatus.PARTIAL : ExitStatus.OK;
    } finally {
      if (job != null) {
        job.cancel();
      }
    }
  }
}
