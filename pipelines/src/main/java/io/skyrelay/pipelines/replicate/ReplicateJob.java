package io.skyrelay.pipelines.replicate;

import io.skyrelay.cluster.FlinkRest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreRetries;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.pipelines.common.ClusterProgress;
import io.skyrelay.pipelines.common.JobJarCache;
import io.skyrelay.pipelines.common.ProgressBar;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.common.StartupTimes;
import io.skyrelay.transforms.regions.RegionData;
import io.skyrelay.transforms.replicate.Replicate;
import io.skyrelay.transforms.replicate.ReplicationProgress;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.ObjectResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.reflect.ReflectDatumReader;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.flink.metrics.FlinkMetricContainer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.values.PCollection;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.OptionalFailure;

/**
 * Runs one batch replication: aborts uploads that earlier runs left unfinished, builds and runs the
 * pipeline with a progress bar, and returns the summary; per-object results and a JSON report go to
 * the run's output folder.
 */
public final class ReplicateJob {

  /**
   * Optional inputs and outputs of a run; {@code stats} is how often a run in this process prints
   * its progress when its output is not a terminal (zero: never, and no progress bar either).
   */
  public record Io(
      String manifestIn, String manifestOut, Path outputDir, boolean dryRun, Duration stats) {

    public Io(String manifestIn, String manifestOut, Path outputDir, boolean dryRun) {
      this(manifestIn, manifestOut, outputDir, dryRun, Duration.ofSeconds(5));
    }
  }

  private ReplicateJob() {}

  /** The pipeline of a run, for tests and for {@link #run}. */
  public static Pipeline build(Pipeline p, ReplicationSpec spec, Io io) {
    Replicate replicate = Replicate.of(spec);
    if (io.manifestIn() != null) {
      replicate = replicate.withManifest(io.manifestIn());
    }
    if (io.manifestOut() != null) {
      replicate = replicate.withManifestOutput(io.manifestOut());
    }
    if (io.dryRun()) {
      replicate = replicate.planOnly();
    }
    PCollection<ObjectResult> results = p.apply("Replicate", replicate);
    results.apply(
        "WriteResults",
        AvroIO.write(ObjectResult.class)
            // Absolute: on a cluster the workers' working folder is not this command's.
            .to(io.outputDir().toAbsolutePath().resolve("results").toString())
            .withSuffix(".avro"));
    return p;
  }

  /**
   * Submits the job from inside a Flink cluster ({@code --flinkMaster [auto]}, a job jar run by
   * Flink) and returns its result without waiting: the counts are in the job's metrics and the
   * per-object results in the output folder.
   */
  public static PipelineResult submit(
      ReplicationSpec spec, RunnerOptions runner, Io io, PrintStream out) {
    check(spec);
    int aborted = io.dryRun() ? 0 : abortStaleUploads(spec, out);
    Pipeline p = Pipeline.create(runner.pipelineOptions("skyrelay-replicate"));
    build(p, spec, io);
    PipelineResult result = p.run();
    out.println(
        "submitted skyrelay-replicate"
            + (aborted > 0 ? " after aborting " + aborted + " stale uploads" : "")
            + "; per-object results go to "
            + io.outputDir().toAbsolutePath());
    return result;
  }

  /**
   * Builds and submits, inside the cluster's JobManager, a job the command line prepared and
   * cleaned up for ({@link SubmittedReplication}); the command line follows it.
   */
  static void submitPrepared(ReplicationSpec spec, RunnerOptions runner, Io io) {
    Pipeline p = Pipeline.create(runner.pipelineOptions("skyrelay-replicate"));
    build(p, spec, io);
    p.run();
  }

  /** Runs the job and returns its summary, with egress priced from the bundled region data. */
  public static ReplicationSummary run(
      ReplicationSpec spec, RunnerOptions runner, Io io, PrintStream out) {
    return run(spec, runner, io, out, RegionData.bundled());
  }

  /**
   * Runs the job and returns its summary, with egress priced from {@code regions}: the region data
   * the job was planned with ({@code --regions}, or the bundled data).
   */
  public static ReplicationSummary run(
      ReplicationSpec spec, RunnerOptions runner, Io io, PrintStream out, RegionData regions) {
    check(spec);
    try {
      Files.createDirectories(io.outputDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output folder " + io.outputDir(), e);
    }
    int aborted = io.dryRun() ? 0 : abortStaleUploads(spec, out);
    if (!runner.embedded() && !runner.insideCluster()) {
      return runOnCluster(spec, runner, io, out, regions, aborted);
    }
    ReplicationProgress.reset();
    // Counts left by earlier work in this process are not this job's.
    StoreRetries.drain();
    Pipeline p = Pipeline.create(runner.pipelineOptions("skyrelay-replicate"));
    build(p, spec, io);
    StartupTimes.mark("pipeline built");
    long start = System.nanoTime();
    ProgressBar bar =
        runner.embedded() && !io.dryRun() ? ProgressBar.replication(out, io.stats()) : null;
    PipelineResult result;
    try {
      StartupTimes.mark("runner started");
      result = p.run();
      PipelineResult.State state = result.waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the replication job ended in state " + state);
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
      long[] first = ReplicationProgress.firstCopyTimes();
      StartupTimes.mark("first object to copy", first[0]);
      StartupTimes.mark("first object copied", first[1]);
      StartupTimes.log();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return summarize(
        spec,
        io,
        result.metrics().queryMetrics(ReplicationSummary.filter()),
        seconds,
        aborted,
        regions);
  }

  /**
   * Runs the job on a Flink cluster: the program's job jar is uploaded unless the cluster has it
   * from an earlier submission ({@link JobJarCache}), the JobManager builds and submits the
   * pipeline from the prepared job, and this command follows the job through the REST API until it
   * ends; the counts come from the job's accumulators, as {@code PipelineResult.metrics()} reads
   * them on the embedded cluster.
   */
  private static ReplicationSummary runOnCluster(
      ReplicationSpec spec,
      RunnerOptions runner,
      Io io,
      PrintStream out,
      RegionData regions,
      int aborted) {
    FlinkRest rest = new FlinkRest(runner.flinkMaster());
    out.println(
        "submitting to the Flink cluster at "
            + runner.flinkMaster()
            + "; waiting for the job to finish");
    long start = System.nanoTime();
    MetricQueryResults metrics;
    try {
      String jar = JobJarCache.user().uploadedTo(rest, out);
      String jobId =
          rest.runJar(
              jar,
              SubmittedReplication.class.getName(),
              List.of(SubmittedReplication.of(spec, io, runner.parallelism()).encode()),
              runner.parallelism());
      String state;
      try (ClusterProgress progress =
          ClusterProgress.followJob(rest, jobId, out, Duration.ofSeconds(5))) {
        state = rest.awaitEnd(jobId, Duration.ofMillis(100));
      }
      out.println("job " + jobId + ": " + rest.progress(jobId).describe());
      if (!state.equals("FINISHED")) {
        throw new IllegalStateException(
            "the replication job ended in state "
                + state
                + rest.rootException(jobId).map(e -> ": " + e).orElse(""));
      }
      metrics = clusterMetrics(rest.serializedAccumulators(jobId));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run the job on the Flink cluster at " + rest.baseUrl() + ": " + e.getMessage(),
          e);
    }
    return summarize(spec, io, metrics, (System.nanoTime() - start) / 1e9, aborted, regions);
  }

  /** The job's counters, from its accumulators as the REST API hands them over. */
  static MetricQueryResults clusterMetrics(Map<String, byte[]> accumulators) throws IOException {
    MetricsContainerStepMap steps = new MetricsContainerStepMap();
    byte[] serialized = accumulators.get(FlinkMetricContainer.ACCUMULATOR_NAME);
    if (serialized != null) {
      try {
        OptionalFailure<?> value =
            InstantiationUtil.deserializeObject(serialized, ReplicateJob.class.getClassLoader());
        steps = (MetricsContainerStepMap) value.getUnchecked();
      } catch (ClassNotFoundException e) {
        throw new IOException("cannot read the job's metrics", e);
      }
    }
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(steps)
        .queryMetrics(ReplicationSummary.filter());
  }

  private static ReplicationSummary summarize(
      ReplicationSpec spec,
      Io io,
      MetricQueryResults metrics,
      double seconds,
      int aborted,
      RegionData regions) {
    List<ObjectResult> failures = readFailures(io.outputDir());
    ReplicationSummary summary =
        ReplicationSummary.of(spec, metrics, seconds, io.dryRun(), aborted, failures, regions);
    try {
      summary.writeJson(io.outputDir().resolve("report.json"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report", e);
    }
    return summary;
  }

  private static void check(ReplicationSpec spec) {
    for (StoreLocation d : spec.destinations()) {
      String s = spec.source().uri().toString();
      String t = d.uri().toString();
      if (s.equals(t) || t.startsWith(s.endsWith("/") ? s : s + "/") || s.startsWith(t + "/")) {
        if (!spec.source().uri().prefix().isEmpty() || !d.uri().prefix().isEmpty() || s.equals(t)) {
          throw new IllegalArgumentException(
              "source "
                  + s
                  + " and destination "
                  + t
                  + " overlap; copy between disjoint locations");
        }
      }
    }
  }

  /**
   * Aborts multi-part uploads under each destination's prefix that earlier runs left behind, and
   * removes the temporary files that killed runs left in local destinations.
   */
  static int abortStaleUploads(ReplicationSpec spec, PrintStream out) {
    int aborted = 0;
    int temporaries = 0;
    for (StoreLocation d : spec.destinations()) {
      try (ObjectStore store = d.open()) {
        if (store instanceof LocalObjectStore local) {
          temporaries += local.removeStaleTemporaryFiles();
        }
        Optional<MultipartUploads> mp = store.multipart();
        if (mp.isEmpty()) {
          continue;
        }
        for (UploadHandle h : mp.get().listPending(d.uri().prefix())) {
          mp.get().abort(h);
          aborted++;
        }
      }
    }
    if (aborted > 0) {
      out.println("aborted " + aborted + " unfinished multi-part uploads left by an earlier run");
    }
    if (temporaries > 0) {
      out.println("removed " + temporaries + " temporary files left by a run that was killed");
    }
    return aborted;
  }

  /** The failed and refused results of a run, read without holding the others. */
  private static List<ObjectResult> readFailures(Path dir) {
    return readResults(
        dir,
        o ->
            o.action == ObjectResult.Action.FAILED
                || o.action == ObjectResult.Action.DELETE_REFUSED);
  }

  /**
   * The per-object results of a run: every {@code results-*.avro} of its output folder, or the one
   * file named.
   */
  static List<ObjectResult> readResults(Path dirOrFile) {
    return readResults(dirOrFile, o -> true);
  }

  private static List<ObjectResult> readResults(
      Path dirOrFile, java.util.function.Predicate<ObjectResult> keep) {
    List<ObjectResult> results = new ArrayList<>();
    if (!Files.exists(dirOrFile)) {
      throw new IllegalArgumentException(
          dirOrFile
              + ": no such run folder or results file (a run's output folder is printed at"
              + " its end: skyrelay-runs/<time>)");
    }
    try (var files = Files.isDirectory(dirOrFile) ? Files.list(dirOrFile) : Stream.of(dirOrFile)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!name.startsWith("results") || !name.endsWith(".avro")) {
          continue;
        }
        try (DataFileReader<ObjectResult> r =
            new DataFileReader<>(f.toFile(), new ReflectDatumReader<>(ObjectResult.class))) {
          ObjectResult o = null;
          while (r.hasNext()) {
            o = r.next(o); // one record object reused: a million results are not kept
            if (keep.test(o)) {
              results.add(o);
              o = null;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the per-object results in " + dirOrFile, e);
    }
    return results;
  }
}
