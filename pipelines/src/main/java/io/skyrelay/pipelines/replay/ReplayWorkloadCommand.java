package io.skyrelay.pipelines.replay;

import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.replay.TraceReplay;
import io.skyrelay.replay.trace.ParseReport;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.regions.RegionData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay replay workload TRACE}. */
@Command(
    name = "workload",
    mixinStandardHelpOptions = true,
    description = {
      "Turns a single-region IBM trace into a multi-region workload CSV"
          + " (timestamp,op,issue_region,obj_key,size), seeded and reproducible; 'replay run'"
          + " accepts the CSV as its trace.",
      "",
      "Types: A each request from a random region; B one PUT region and one GET region per"
          + " object; C PUTs from random regions, GETs from one region; D PUTs from one region"
          + " per object, GETs from anywhere; E a mix of A-D per object.",
      "An object first read in the trace gets a PUT from its write region just before."
    },
    footer = {"", "Exit status: 0 done, 1 malformed lines were skipped, 2 bad arguments."})
public final class ReplayWorkloadCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TRACE", description = "IBM-format trace, or 'demo'.")
  String trace;

  @Option(
      names = {"--type", "--workload"},
      defaultValue = "A",
      description = "Workload type A-E (default ${DEFAULT-VALUE}).")
  String type;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default 1).")
  long seed;

  @Option(
      names = "--regions",
      split = ",",
      defaultValue = ReplayRunCommand.DEFAULT_REGIONS,
      description = "Regions to spread the requests over (default ${DEFAULT-VALUE}).")
  List<String> regions;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "CSV to write.")
  Path out;

  @Option(names = "--strict", description = "Fail at the first malformed line.")
  boolean strict;

  @Override
  public Integer call() throws IOException {
    RegionData data = RegionData.bundled();
    List<String> labels = regions.stream().map(String::trim).toList();
    labels.forEach(data::check);
    ParseReport p =
        TraceReplay.workload(
            ReplayRunCommand.resolveTrace(trace),
            labels,
            WorkloadType.parse(type),
            seed,
            strict,
            out);
    System.out.printf(
        "%,d requests written to %s (%,d lines, %,d operations not replayed, %,d malformed)%n",
        p.requests(), out, p.lines(), p.ignored(), p.malformed());
    p.examples().stream()
        .limit(10)
        .forEach(m -> System.out.printf("  line %d: %s: %s%n", m.line(), m.reason(), m.text()));
    return p.malformed() > 0 ? ExitStatus.PARTIAL : ExitStatus.OK;
  }
}
