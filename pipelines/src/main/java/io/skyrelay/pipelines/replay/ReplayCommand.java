package io.skyrelay.pipelines.replay;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code skyrelay replay}: groups the trace replay subcommands. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replays object-store request traces against replica placement and eviction policies, with"
          + " a cost model (storage, egress, requests) and read latency from the region data.",
      "",
      "Traces: the IBM Cloud Object Storage trace format (<timestamp_ms> <REST.OPERATION>"
          + " <object_id> [size] [range_begin range_end]), or Skyrelay's workload CSV"
          + " (timestamp,op,issue_region,obj_key,size); plain or gzip.",
      "See docs/REPLAY.md for the model, the policies and a worked example."
    },
    subcommands = {
      ReplayRunCommand.class,
      ReplayWorkloadCommand.class,
      ReplayLiveCommand.class,
      ReplayGatewayCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  skyrelay replay run demo --out replay-out",
      "  skyrelay replay run trace.txt.gz --workload B --seed 7 \\",
      "      --regions aws:us-east-1,azure:westeurope,gcp:us-central1-a --policies all --out out",
      "  skyrelay replay workload trace.txt --type B --seed 7 --out workload.csv",
      "  skyrelay replay run workload.csv --policies pull-keep,ttl:12h,optimum",
      "  skyrelay replay live trace.txt --sync-config sync.yaml --speedup 600",
      "  skyrelay replay gateway trace.txt --policies replicate-all,pull-keep,ttl:1h"
    })
public final class ReplayCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
