package io.skyrelay.pipelines.replicate;

import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.LogOptions;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.common.StoresFile;
import io.skyrelay.transforms.replicate.CheckLocations;
import io.skyrelay.transforms.replicate.DiffMode;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import io.skyrelay.transforms.values.CheckResult;
import io.skyrelay.transforms.values.CheckResult.Status;
import io.skyrelay.transforms.values.KeyFilter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay check SRC DST}: compares two locations without copying. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Compares every object under SRC with DST without copying anything, with the listing,"
          + " filters and diff of replicate (as the same kind of job): what replicate would skip"
          + " is equal, what it would copy is missing or different, what --delete would delete is"
          + " extra. With --download, objects at both ends are read and compared byte for byte.",
      "",
      "Writes to --output: combined.txt (one line per key, as rclone check --combined: '= key'"
          + " equal, '- key' only at SRC, '+ key' only at DST, '* key' different, '! key' could"
          + " not be compared) and one list per kind: match.txt, missing-on-dst.txt,"
          + " missing-on-src.txt, differ.txt, error.txt."
    },
    footer = {
      "",
      "Examples:",
      "  skyrelay check s3://photos s3://photos-backup",
      "  skyrelay check s3://photos file:///mnt/nas/photos --download --include '*.jpg'"
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:SRC and DST hold the same objects",
      "1:some objects are missing, different, extra or could not be compared",
      "2:bad arguments or configuration (nothing was done)",
      "3:the job itself failed (a store could not be listed or opened, the runner failed)"
    })
public final class CheckCommand implements Callable<Integer> {

  /** The list file of each status, as rclone names them. */
  static final Map<Status, String> LISTS =
      new EnumMap<>(
          Map.of(
              Status.EQUAL, "match.txt",
              Status.MISSING, "missing-on-dst.txt",
              Status.EXTRA, "missing-on-src.txt",
              Status.DIFFERENT, "differ.txt",
              Status.ERROR, "error.txt"));

  @Parameters(index = "0", paramLabel = "SRC", description = "The location compared from.")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "The location compared with.")
  String destination;

  @Option(
      names = "--download",
      description =
          "Read the objects at both ends and compare their bytes instead of their size and"
              + " ETag/MD5.")
  boolean download;

  @Option(
      names = "--diff",
      defaultValue = "auto",
      converter = ReplicateCommand.DiffModes.class,
      completionCandidates = ReplicateCommand.DiffModes.class,
      description =
          "How objects are compared without --download, as replicate's --diff: one of"
              + " ${COMPLETION-CANDIDATES}; default auto.")
  DiffMode diff;

  @Mixin FilterOptions filters;

  @Option(
      names = "--combined",
      paramLabel = "FILE",
      description = "Also write the combined list to FILE.")
  Path combined;

  @Option(
      names = "--output",
      description = "Folder for the lists (default skyrelay-runs/check-<time>).")
  Path output;

  @Option(
      names = "--stores",
      description = "YAML file with per-store endpoints and credentials (see replicate).")
  Path storesFile;

  @Mixin RunnerOptions runner;

  @Mixin LogOptions logs;

  @Override
  public Integer call() throws Exception {
    try (AutoCloseable logging = logs.apply()) {
      return check();
    }
  }

  private int check() throws IOException {
    StoresFile stores =
        storesFile == null ? StoresFile.empty() : StoresFile.read(storesFile, System.getenv());
    ReplicationLocations locations =
        ReplicationLocations.resolve(stores, source, null, List.of(destination), null);
    KeyFilter filter = filters.filter(Instant.now());
    if (locations.singleObject() && !filter.acceptsAll()) {
      throw new IllegalArgumentException(
          "the filters select objects of a folder, and " + source + " is one object");
    }
    ReplicationSpec spec =
        new ReplicationSpec(
                locations.source(),
                locations.destinations(),
                ReplicationSpec.DEFAULT_CHUNK_SIZE,
                diff,
                false,
                0,
                1,
                false)
            .withKeys(locations.singleObject() ? locations.keys() : filter);
    if (!filter.acceptsAll()) {
      System.out.println(filters.describe(filter));
    }
    Path out =
        output != null
            ? output
            : Path.of(
                "skyrelay-runs",
                "check-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(out);
    Map<Status, Long> counts = run(spec, download, runner, out, combined, System.out);
    return print(counts, out, System.out);
  }

  /** Runs the comparison and returns the number of keys of each status. */
  static Map<Status, Long> run(
      ReplicationSpec spec,
      boolean download,
      RunnerOptions runner,
      Path out,
      Path combined,
      PrintStream log) {
    Pipeline p = Pipeline.create(runner.pipelineOptions("skyrelay-check"));
    CheckLocations check = CheckLocations.of(spec);
    PCollection<CheckResult> results = p.apply("Check", download ? check.downloading() : check);
    PCollection<String> lines =
        results.apply(
            "CombinedLines",
            MapElements.into(TypeDescriptors.strings()).via(CheckResult::combinedLine));
    write(lines, "WriteCombined", out.resolve("combined.txt"));
    if (combined != null) {
      write(lines, "WriteCombinedCopy", combined);
    }
    LISTS.forEach(
        (status, file) ->
            write(
                results
                    .apply("Only" + status, Filter.by(r -> r.status == status))
                    .apply(
                        "Keys" + status,
                        MapElements.into(TypeDescriptors.strings()).via(r -> r.key)),
                "Write" + status,
                out.resolve(file)));
    if (!runner.embedded()) {
      log.println(
          "submitting to the Flink cluster at "
              + runner.flinkMaster()
              + "; waiting for the job to finish");
    }
    PipelineResult result = p.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the check job ended in state " + state);
    }
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, 0L);
    }
    for (MetricResult<Long> c :
        result.metrics().queryMetrics(ReplicationSummary.filter()).getCounters()) {
      for (Status s : Status.values()) {
        if (c.getName().getName().equals(CheckLocations.counterName(s, 0))) {
          Long v;
          try {
            v = c.getCommitted();
          } catch (UnsupportedOperationException notCommitted) {
            v = c.getAttempted();
          }
          counts.merge(s, v == null ? 0 : v, Long::sum);
        }
      }
    }
    return counts;
  }

  private static void write(PCollection<String> lines, String name, Path file) {
    // Absolute: on a cluster the workers' working folder is not this command's.
    lines.apply(name, TextIO.write().to(file.toAbsolutePath().toString()).withoutSharding());
  }

  /** Prints the counts and the keys that differ; returns the exit status. */
  static int print(Map<Status, Long> counts, Path out, PrintStream ps) {
    long differences =
        counts.get(Status.MISSING)
            + counts.get(Status.EXTRA)
            + counts.get(Status.DIFFERENT)
            + counts.get(Status.ERROR);
    ps.printf(
        Locale.ROOT,
        "%nCheck: %,d equal, %,d missing at the destination, %,d different, %,d extra at the"
            + " destination, %,d could not be compared%n",
        counts.get(Status.EQUAL),
        counts.get(Status.MISSING),
        counts.get(Status.DIFFERENT),
        counts.get(Status.EXTRA),
        counts.get(Status.ERROR));
    Path combinedFile = out.resolve("combined.txt");
    if (differences > 0 && Files.isReadable(combinedFile)) {
      try {
        List<String> lines =
            Files.readAllLines(combinedFile, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("="))
                .sorted((a, b) -> a.substring(2).compareTo(b.substring(2)))
                .toList();
        lines.stream().limit(50).forEach(l -> ps.println("  " + l));
        if (lines.size() > 50) {
          ps.println("  ... " + (lines.size() - 50) + " more in " + combinedFile);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + combinedFile, e);
      }
    }
    ps.println("  lists: " + out.toAbsolutePath());
    return differences > 0 ? ExitStatus.PARTIAL : ExitStatus.OK;
  }
}
