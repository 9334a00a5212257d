package io.skyrelay.pipelines.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import picocli.CommandLine.Option;

/** Where a job runs: Flink (embedded MiniCluster or a cluster) or Beam's DirectRunner. */
public final class RunnerOptions {

  @Option(
      names = "--runner",
      defaultValue = "flink",
      description =
          "flink (default: Flink, embedded in this process unless --flinkMaster is set) or direct"
              + " (Beam's DirectRunner, for small jobs and debugging).")
  String runner = "flink";

  @Option(
      names = {"--flinkMaster", "--flink-master"},
      defaultValue = "[local]",
      description =
          "Flink JobManager to submit to, HOST:PORT of its REST endpoint; [local] (default)"
              + " starts an embedded MiniCluster in this process; [auto] when the job jar is run"
              + " by Flink itself (a FlinkSessionJob).")
  String flinkMaster = "[local]";

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Flink parallelism: workers that list and copy side by side (default 2).")
  int parallelism = 2;

  /**
   * The options of a job whose main runs inside a Flink cluster ({@code --flinkMaster [auto]}) with
   * {@code parallelism} workers.
   */
  public static RunnerOptions insideCluster(int parallelism) {
    RunnerOptions o = new RunnerOptions();
    o.flinkMaster = "[auto]";
    o.parallelism = parallelism;
    return o;
  }

  /** The Flink master as given ({@code [local]} or {@code HOST:PORT}). */
  public String flinkMaster() {
    return flinkMaster;
  }

  public String runner() {
    return runner;
  }

  public boolean embedded() {
    return !runner.equalsIgnoreCase("flink") || flinkMaster.equals("[local]");
  }

  /**
   * Options for a streaming job: checkpoints every {@code checkpointIntervalMs} (Kafka offsets are
   * committed when a checkpoint completes), and on Flink the job is submitted without blocking, so
   * the command can report progress and stop it.
   */
  public PipelineOptions streamingOptions(String jobName, long checkpointIntervalMs) {
    PipelineOptions o = pipelineOptions(jobName);
    o.as(StreamingOptions.class).setStreaming(true);
    if (isFlink()) {
      FlinkPipelineOptions f = o.as(FlinkPipelineOptions.class);
      f.setCheckpointingInterval(checkpointIntervalMs);
      f.setCheckpointingMode("EXACTLY_ONCE");
      f.setAttachedMode(false);
      if (embedded()) {
        // Flink's embedded cluster keeps checkpoints in the JobManager's memory unless told
        // otherwise, and refuses state above 5 MiB: a sync job that has seen about 45,000 object
        // keys per worker fails every checkpoint, restarts from the last good one and applies its
        // events again, over and over. A cluster has its own checkpoint folder
        // (state.checkpoints.dir); the embedded one gets a local folder.
        f.setStateBackend("filesystem");
        f.setStateBackendStoragePath(embeddedCheckpoints().toUri().toString());
      }
    }
    return o;
  }

  private static Path checkpointRoot;

  /**
   * A folder for the checkpoints of streaming jobs on the embedded cluster, under the system's
   * temporary folder, removed when this program exits (the embedded cluster goes with it).
   */
  static synchronized Path embeddedCheckpoints() {
    if (checkpointRoot == null) {
      try {
        Path dir = Files.createTempDirectory("skyrelay-checkpoints-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        checkpointRoot = dir;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a folder for checkpoints", e);
      }
    }
    return checkpointRoot;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort at exit: the folder is under the temporary folder
    }
  }

  /**
   * Whether this program runs inside a Flink cluster's client ({@code --flinkMaster [auto]}, as
   * when the Flink Kubernetes Operator runs the job jar's main): the jar is the job's already.
   */
  public boolean insideCluster() {
    return flinkMaster.equals("[auto]");
  }

  /** The workers of each step of the job ({@code --parallelism}). */
  public int parallelism() {
    return parallelism;
  }

  boolean isFlink() {
    return runner.toLowerCase(Locale.ROOT).startsWith("flink");
  }

  /** Pipeline options for the chosen runner. */
  public PipelineOptions pipelineOptions(String jobName) {
    List<String> args = new ArrayList<>();
    args.add("--jobName=" + jobName);
    switch (runner.toLowerCase(Locale.ROOT)) {
      case "flink", "flinkrunner" -> {
        FlinkPipelineOptions o =
            PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
                .as(FlinkPipelineOptions.class);
        o.setRunner(FlinkRunner.class);
        o.setFlinkMaster(flinkMaster);
        o.setParallelism(parallelism);
        o.setMaxParallelism(Math.max(128, parallelism));
        o.setFasterCopy(true);
        if (insideCluster()) {
          // Flink runs this main to submit the job and does not wait for the result.
          o.setAttachedMode(false);
        } else if (!embedded()) {
          // The cluster runs this program's code: ship the classpath (without Flink's own jars).
          o.setFilesToStage(JobJars.forCluster());
        }
        return o;
      }
      case "direct", "directrunner" -> {
        args.add("--runner=DirectRunner");
        args.add("--targetParallelism=" + parallelism);
        return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create();
      }
      default ->
          throw new IllegalArgumentException(
              "--runner must be flink or direct, not '" + runner + "'");
    }
  }
}
