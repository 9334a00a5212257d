package io.skyrelay.pipelines.replay;

import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.ProgressBar;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.replay.ReplayProgress;
import io.skyrelay.replay.TraceReplay;
import io.skyrelay.replay.beam.BeamReplay;
import io.skyrelay.replay.report.ReplayReport;
import io.skyrelay.replay.trace.ParseReport;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import io.skyrelay.transforms.regions.RegionData;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay replay run TRACE}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Replays a trace against policies and reports, per policy, the total cost and its"
          + " breakdown (storage, network, requests), the hit ratio, and mean and p99 read"
          + " latency; writes results.csv, results.json, cost-over-time.csv and PNG charts.",
      "",
      "Policies (--policies, comma-separated):",
      "  single[:REGION]   every object lives in one region (default: the first of --regions)",
      "  replicate-all     every write is copied to every region",
      "  push:R1+R2        every write is copied to these regions; others read remotely",
      "  pull-keep         a read copies the object to its region, kept until overwritten",
      "  pull-evict        a read elsewhere fetches remotely and keeps nothing",
      "  ttl:DURATION      pulled copies kept DURATION after their last read (30m, 12h, 7d)",
      "  break-even        TTL = egress $/GB / storage $/GB-hour of the region pair",
      "  adaptive          TTL per region pair learned from the gaps between reads",
      "  lru:SIZE          pulled copies kept while they fit SIZE per region (512MiB, 10GB)",
      "  optimum           offline optimum, a lower bound on all of the above",
      "  all               all of them with default parameters"
    },
    footer = {
      "",
      "TRACE 'demo' replays the small trace bundled with Skyrelay.",
      "Exit status: 0 done, 1 done but malformed lines were skipped, 2 bad arguments (or with"
          + " --strict a malformed line), 3 the replay failed."
    })
public final class ReplayRunCommand implements Callable<Integer> {

  static final String DEMO = "demo";
  static final String DEMO_RESOURCE = "/io/skyrelay/replay/demo-trace.txt";
  static final String DEFAULT_REGIONS = "aws:us-east-1,azure:westeurope,gcp:us-central1-a";

  @Parameters(
      index = "0",
      paramLabel = "TRACE",
      description = "IBM-format trace or workload CSV (plain or .gz), or 'demo'.")
  String trace;

  @Option(
      names = "--regions",
      split = ",",
      description =
          "Regions of the workload (default for an IBM trace: "
              + DEFAULT_REGIONS
              + "; for a workload CSV: the regions it names, sorted). The first is the default"
              + " region of single.")
  List<String> regions;

  @Option(
      names = {"--workload", "--type"},
      defaultValue = "A",
      description =
          "For an IBM trace, how requests get regions (default ${DEFAULT-VALUE}): A each request"
              + " from a random region; B one PUT and one GET region per object; C PUTs from"
              + " random regions, GETs from one; D PUTs from one region per object, GETs from"
              + " anywhere; E a mix of A-D per object.")
  String workload;

  @Option(names = "--seed", defaultValue = "1", description = "Workload seed (default 1).")
  long seed;

  @Option(
      names = "--policies",
      defaultValue = "all",
      description = "Policies to replay (default ${DEFAULT-VALUE}); see above.")
  String policies;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where the results go (default skyrelay-runs/replay-<time>).")
  Path outDir;

  @Option(
      names = "--workload-out",
      paramLabel = "FILE",
      description = "Also write the multi-region workload as CSV.")
  Path workloadOut;

  @Option(names = "--strict", description = "Fail at the first malformed line.")
  boolean strict;

  @Option(
      names = "--region-data",
      paramLabel = "DIR",
      description =
          "Your own region data (egress.csv, storage_prices.csv, ...) instead of the bundled.")
  Path regionData;

  @Option(
      names = "--beam",
      description =
          "Run the replay as a Beam pipeline (on Flink by default, see --runner and"
              + " --flinkMaster) for traces too large for one machine. TRACE may then be several"
              + " files separated by commas, in trace order. Not for adaptive and lru, whose"
              + " decisions for one object depend on others.")
  boolean beam;

  @Mixin RunnerOptions runner;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    List<String> traces = Arrays.asList(trace.split(","));
    Path tracePath = resolveTrace(traces.get(0));
    List<String> regionList = regions(tracePath, regions);
    CostModel model = new CostModel(RegionData.bundledOr(regionData), regionList);
    List<Policy> policyList = Policy.parseList(policies, model);
    WorkloadType type = WorkloadType.parse(workload);
    Path dir =
        outDir == null
            ? Path.of(
                "skyrelay-runs",
                "replay-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
            : outDir;
    out.printf(
        "replaying %s over %s with %d policies%n",
        trace, String.join(", ", regionList), policyList.size());
    TraceReplay.Outcome outcome;
    if (beam) {
      if (workloadOut != null) {
        throw new IllegalArgumentException("--workload-out is for in-process replays");
      }
      BeamReplay.checkPolicies(policyList);
      List<String> files = new ArrayList<>();
      for (String t : traces) {
        files.add(resolveTrace(t).toAbsolutePath().toString());
      }
      Files.createDirectories(dir);
      long started = System.nanoTime();
      PipelineResult result =
          BeamReplay.run(
              runner.pipelineOptions("skyrelay-replay"),
              files,
              model,
              policyList,
              type,
              seed,
              strict,
              dir);
      if (result.getState() != PipelineResult.State.DONE) {
        out.println("the replay pipeline ended " + result.getState());
        return ExitStatus.JOB_FAILED;
      }
      ParseReport counts = BeamReplay.parseReport(result);
      outcome =
          new TraceReplay.Outcome(
              BeamReplay.readResults(dir, policyList),
              counts,
              counts.requests(),
              -1,
              0,
              0,
              (System.nanoTime() - started) / 1e9);
    } else {
      ReplayProgress progress = new ReplayProgress();
      try (ProgressBar bar = new ProgressBar(System.err, 1000, progressLine(progress))) {
        outcome =
            TraceReplay.run(
                tracePath, model, policyList, type, seed, strict, workloadOut, progress);
      }
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("trace", trace);
    info.put("regions", regionList);
    info.put("workload", type.name());
    info.put("workload_description", type.description());
    info.put("seed", seed);
    info.put("engine", beam ? "beam (" + runner.runner() + ")" : "in-process");
    ReplayReport.write(dir, outcome, info);
    ParseReport p = outcome.parse();
    if (beam) {
      out.printf(
          "%,d lines, %,d requests read by the pipeline in %.2f s%n",
          p.lines(), p.requests(), outcome.seconds());
    } else {
      out.printf(
          "%,d lines, %,d requests replayed (%,d objects) in %.2f s%n",
          p.lines(), outcome.requests(), outcome.objects(), outcome.seconds());
    }
    out.println();
    out.print(ReplayReport.table(outcome.results()));
    out.println();
    if (p.ignored() > 0) {
      out.printf(
          "%,d lines with operations not replayed (bucket listings and the like)%n", p.ignored());
    }
    if (p.malformed() > 0) {
      out.printf("%,d malformed lines skipped:%n", p.malformed());
      p.examples().stream()
          .limit(10)
          .forEach(m -> out.printf("  line %d: %s: %s%n", m.line(), m.reason(), m.text()));
      if (p.malformed() > 10 || (beam && p.malformed() > 0)) {
        out.printf(
            "  ... (%s)%n",
            beam
                ? "run the same trace in process, or with --strict, to see them"
                : "the first " + ParseReport.KEPT + " are in results.json");
      }
    }
    out.println("results: " + dir + " (" + String.join(", ", ReplayReport.FILES) + ")");
    if (workloadOut != null) {
      out.println("workload: " + workloadOut);
    }
    return p.malformed() > 0 ? ExitStatus.PARTIAL : ExitStatus.OK;
  }

  /** The trace file; 'demo' is copied out of the classpath into a temporary file. */
  static Path resolveTrace(String trace) throws IOException {
    if (!trace.equals(DEMO)) {
      Path p = Path.of(trace);
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("cannot read trace " + trace);
      }
      return p;
    }
    Path tmp = Files.createTempFile("skyrelay-demo-trace", ".txt");
    tmp.toFile().deleteOnExit();
    try (InputStream in = ReplayRunCommand.class.getResourceAsStream(DEMO_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the demo trace is missing from the classpath");
      }
      Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return tmp;
  }

  /** The given regions, else those a workload CSV names (sorted), else the default three. */
  static List<String> regions(Path trace, List<String> given) {
    if (given != null && !given.isEmpty()) {
      return given.stream().map(String::trim).toList();
    }
    try {
      List<String> fromCsv = TraceReader.regionsOf(trace);
      // Sorted, so that a CSV made from the default regions replays over them in the same order.
      return fromCsv.isEmpty()
          ? Arrays.asList(DEFAULT_REGIONS.split(","))
          : fromCsv.stream().sorted().toList();
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** Share of the trace file read, requests, rate and ETA. */
  private static Supplier<String> progressLine(ReplayProgress progress) {
    long started = System.nanoTime();
    return () -> {
      double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
      long total = progress.totalBytes();
      long read = progress.bytesRead();
      double frac = total <= 0 ? 0 : Math.min(1.0, (double) read / total);
      String eta = frac > 0 ? ProgressBar.formatDuration(seconds * (1 - frac) / frac) : "--";
      return String.format(
          Locale.ROOT,
          "%s %s/%s  %,d requests  %,.0f requests/s  ETA %s",
          ProgressBar.bar(frac),
          ProgressBar.bytes(read),
          ProgressBar.bytes(total),
          progress.requests(),
          progress.requests() / seconds,
          eta);
    };
  }
}
