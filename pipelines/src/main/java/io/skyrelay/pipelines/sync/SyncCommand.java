package io.skyrelay.pipelines.sync;

import io.skyrelay.cluster.FlinkRest;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.replicate.ReplicateJob;
import io.skyrelay.pipelines.replicate.ReplicationSummary;
import io.skyrelay.transforms.replicate.DiffMode;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import io.skyrelay.transforms.sync.LagRecorder;
import io.skyrelay.transforms.sync.SyncMapping;
import io.skyrelay.transforms.sync.SyncMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code skyrelay sync --config FILE}. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "Keeps replicas in sync with their sources from bucket-change events in Kafka (S3 event"
          + " notifications, EventBridge, Azure Event Grid, GCS Pub/Sub). Runs until stopped"
          + " (Ctrl-C), on the embedded Flink unless --flinkMaster is set.",
      "",
      "Malformed events go to the dead-letter topic with the reason; per object only the newest"
          + " event is applied; copies are conditional on the event's ETag, so applying is"
          + " idempotent and a restart loses nothing. See docs/SYNC.md for the mappings file."
    },
    footer = {
      "",
      "Examples:",
      "  skyrelay sync --config sync.yaml",
      "  skyrelay sync --config sync.yaml --reconcile      # repair what notifications missed",
      "  skyrelay sync --config sync.yaml --flinkMaster 127.0.0.1:8081 --parallelism 4",
      "  skyrelay cluster savepoint skyrelay-sync --stop     # prints the savepoint's path",
      "  skyrelay sync --config sync.yaml --flinkMaster 127.0.0.1:8081 --fromSavepoint PATH"
    })
public final class SyncCommand implements Callable<Integer> {

  /** The Flink job's name, by which the cluster commands find it. */
  public static final String JOB_NAME = "skyrelay-sync";

  @Option(names = "--config", required = true, description = "The mappings file (YAML).")
  Path config;

  @Option(
      names = "--reconcile",
      description =
          "Instead of streaming, run the batch diff-and-copy for every mapping (deletes"
              + " only where the mapping propagates them) and exit.")
  boolean reconcile;

  @Option(
      names = "--max-delete",
      defaultValue = "1000",
      description = "With --reconcile: refuse deletes above this count per replica.")
  long maxDelete;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "10000",
      description =
          "Milliseconds between checkpoints; offsets are committed on each (default"
              + " ${DEFAULT-VALUE}).")
  long checkpointInterval;

  @Option(
      names = "--max-records",
      defaultValue = "0",
      description = "Stop after this many Kafka records (0: run until stopped).")
  long maxRecords;

  @Option(
      names = "--status-every",
      defaultValue = "10",
      description = "Seconds between status lines (default ${DEFAULT-VALUE}).")
  int statusEvery;

  @Option(
      names = {"--fromSavepoint", "--from-savepoint"},
      paramLabel = "PATH",
      description =
          "Start from this savepoint (or retained checkpoint) of an earlier sync job: its Kafka"
              + " offsets and per-object state carry over. From skyrelay cluster savepoint.")
  String fromSavepoint;

  @Option(
      names = "--detach",
      description =
          "With --flinkMaster: submit the job, print its id and return; the job runs on until"
              + " stopped (skyrelay cluster savepoint JOB --stop).")
  boolean detach;

  @Mixin RunnerOptions runner;

  @Override
  public Integer call() throws Exception {
    SyncConfig cfg = SyncConfig.read(config, System.getenv());
    if (reconcile) {
      return reconcile(cfg);
    }
    PipelineOptions options = runner.streamingOptions(JOB_NAME, checkpointInterval);
    if (fromSavepoint != null) {
      if (!runner.runner().toLowerCase(java.util.Locale.ROOT).startsWith("flink")) {
        throw new IllegalArgumentException("--fromSavepoint needs the Flink runner");
      }
      options.as(FlinkPipelineOptions.class).setSavepointPath(fromSavepoint);
    }
    if (detach && runner.embedded()) {
      throw new IllegalArgumentException("--detach needs --flinkMaster HOST:PORT");
    }
    Pipeline p = Pipeline.create(options);
    SyncJob.build(p, cfg, maxRecords);
    System.out.println(
        "sync: "
            + cfg.mappings().size()
            + " mappings, topics "
            + cfg.topics()
            + ", Kafka "
            + cfg.kafka().bootstrapServers()
            + "; dead letters to "
            + cfg.kafka().deadLetterTopic());
    if (fromSavepoint != null) {
      System.out.println("sync: resuming from " + fromSavepoint);
    }
    PipelineResult result = p.run();
    if (runner.insideCluster()) {
      // Run by Flink (a session job): submitted, nothing to follow from here.
      return ExitStatus.OK;
    }
    if (!runner.embedded()) {
      return followOnCluster(result);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    result.cancel();
                  } catch (Exception ignored) {
                    // the JVM is going away
                  }
                }));
    while (true) {
      PipelineResult.State state =
          result.waitUntilFinish(org.joda.time.Duration.standardSeconds(statusEvery));
      System.out.printf(
          "sync: applied %,d, lag p50 %d ms, p99 %d ms%n",
          LagRecorder.count(), LagRecorder.percentile(50), LagRecorder.percentile(99));
      if (state != null && state.isTerminal()) {
        return state == PipelineResult.State.DONE ? ExitStatus.OK : ExitStatus.JOB_FAILED;
      }
    }
  }

  /**
   * The job runs on the cluster, not here: report its id, then (unless detached) its state,
   * counters (from the cluster's metrics) and checkpoints until it ends. Ctrl-C stops following,
   * not the job.
   */
  private int followOnCluster(PipelineResult result) throws IOException {
    FlinkRest rest = new FlinkRest(runner.flinkMaster());
    String id = rest.runningJob(JOB_NAME).map(FlinkRest.Job::id).orElse("(unknown)");
    System.out.println(
        "sync: job "
            + id
            + " runs on "
            + rest.baseUrl()
            + "; stop it with: skyrelay cluster savepoint "
            + id
            + " --stop --flinkMaster "
            + runner.flinkMaster());
    if (detach) {
      return ExitStatus.OK;
    }
    while (true) {
      PipelineResult.State state =
          result.waitUntilFinish(org.joda.time.Duration.standardSeconds(statusEvery));
      String counts;
      try {
        FlinkRest.Checkpoints c = rest.checkpoints(id);
        counts =
            String.format(
                "%,d records read between steps, %s%d checkpoints, %d restores",
                rest.progress(id).recordsRead(), counters(rest, id), c.completed(), c.restored());
      } catch (IOException e) {
        counts = "no answer from " + rest.baseUrl() + " (" + e + ")";
      }
      System.out.printf("sync: job %s, %s%n", state, counts);
      if (state != null && state.isTerminal()) {
        return state == PipelineResult.State.DONE ? ExitStatus.OK : ExitStatus.JOB_FAILED;
      }
    }
  }

  /**
   * The job's counters from the cluster's operator metrics (they lag a few seconds), those the
   * cluster reports.
   */
  private static String counters(FlinkRest rest, String jobId) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String name : new String[] {"events-in", "applied", "failed"}) {
      java.util.OptionalLong v =
          rest.sumOfMetric(
              jobId, SyncMetrics.NAMESPACE + "_" + name, SyncMetrics.NAMESPACE + "." + name);
      if (v.isPresent()) {
        b.append(String.format("%s %,d, ", name, v.getAsLong()));
      }
    }
    return b.toString();
  }

  private int reconcile(SyncConfig cfg) {
    int status = ExitStatus.OK;
    for (SyncMapping m : cfg.mappings()) {
      System.out.println("reconciling " + m.name() + ": " + m.source() + " -> " + m.replicas());
      ReplicationSpec spec =
          new ReplicationSpec(
                  m.source(),
                  m.replicas(),
                  ReplicationSpec.DEFAULT_CHUNK_SIZE,
                  DiffMode.AUTO,
                  m.propagateDelete(),
                  maxDelete,
                  16,
                  true)
              // the keys the streaming job syncs, no others: excluded keys are neither copied nor
              // deleted at the replicas
              .withKeys(m.filter());
      ReplicationSummary s =
          ReplicateJob.run(
              spec,
              runner,
              new ReplicateJob.Io(
                  null, null, Path.of("skyrelay-runs", "reconcile-" + m.name()), false),
              System.out);
      s.print(System.out);
      if (s.failed() > 0 || s.deleteRefused() > 0) {
        status = ExitStatus.PARTIAL;
      }
    }
    return status;
  }
}
