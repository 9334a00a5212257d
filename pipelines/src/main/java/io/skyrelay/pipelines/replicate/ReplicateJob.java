package io.skyrelay.pipelines.replicate;

import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreRetries;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.pipelines.common.ClusterProgress;
import io.skyrelay.pipelines.common.ProgressBar;
import io.skyrelay.pipelines.common.RunnerOptions;
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
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.reflect.ReflectDatumReader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.values.PCollection;

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
    ReplicationProgress.reset();
    // Counts left by earlier work in this process are not this job's.
    StoreRetries.drain();
    Pipeline p = Pipeline.create(runner.pipelineOptions("skyrelay-replicate"));
    build(p, spec, io);
    long start = System.nanoTime();
    ProgressBar bar =
        runner.embedded() && !io.dryRun() ? ProgressBar.replication(out, io.stats()) : null;
    ClusterProgress remote = null;
    if (!runner.embedded() && !runner.insideCluster()) {
      out.println(
          "submitting to the Flink cluster at "
              + runner.flinkMaster()
              + "; waiting for the job to finish");
      remote =
          ClusterProgress.follow(
              runner.flinkMaster(), "skyrelay-replicate", out, Duration.ofSeconds(5));
    }
    PipelineResult result;
    try {
      result = p.run();
      PipelineResult.State state = result.waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the replication job ended in state " + state);
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
      if (remote != null) {
        remote.close();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<ObjectResult> failures = readFailures(io.outputDir());
    ReplicationSummary summary =
        ReplicationSummary.of(
            spec,
            result.metrics().queryMetrics(ReplicationSummary.filter()),
            seconds,
            io.dryRun(),
            aborted,
            failures,
            regions);
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

  private static List<ObjectResult> readFailures(Path dir) {
    return readResults(dir).stream()
        .filter(
            o ->
                o.action == ObjectResult.Action.FAILED
                    || o.action == ObjectResult.Action.DELETE_REFUSED)
        .toList();
  }

  /**
   * The per-object results of a run: every {@code results-*.avro} of its output folder, or the one
   * file named.
   */
  static List<ObjectResult> readResults(Path dirOrFile) {
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
          for (ObjectResult o : r) {
            results.add(o);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the per-object results in " + dirOrFile, e);
    }
    return results;
  }
}
