package io.skyrelay.pipelines.gateway;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.sync.SyncConfig;
import io.skyrelay.pipelines.sync.SyncJob;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code skyrelay gateway sync --config FILE}: the job that makes the gateway's replicas. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the sync job that makes the replicas of a gateway whose config has"
          + " replication.kafka: it reads the change events the gateways publish (one topic per"
          + " region) and copies each object to that region with Skyrelay's copier; the gateways"
          + " mark a replica ready once they find it there, verified. Runs until cancelled, on"
          + " the embedded runner or a Flink cluster (--runner, --flinkMaster).",
      "See docs/GATEWAY.md, section Replication through Kafka."
    })
public final class GatewaySyncCommand implements Callable<Integer> {

  static final String JOB_NAME = "skyrelay-gateway-sync";

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The gateway's YAML config.")
  Path config;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "10000",
      description = "Checkpoint interval in ms (default ${DEFAULT-VALUE}).")
  long checkpointInterval;

  @Mixin RunnerOptions runner;

  @Override
  public Integer call() throws Exception {
    GatewayConfig gateway = GatewayConfigLoader.load(config);
    SyncConfig cfg = GatewaySyncJob.syncConfig(gateway);
    Pipeline p = Pipeline.create(runner.streamingOptions(JOB_NAME, checkpointInterval));
    SyncJob.build(p, cfg, 0);
    System.out.println(
        "gateway sync: "
            + cfg.mappings().size()
            + " region pairs, topics "
            + cfg.topics()
            + ", Kafka "
            + cfg.kafka().bootstrapServers());
    PipelineResult result = p.run();
    if (runner.insideCluster()) {
      return ExitStatus.OK;
    }
    PipelineResult.State state = result.waitUntilFinish();
    System.out.println("gateway sync: the job ended " + state);
    return state == PipelineResult.State.DONE ? ExitStatus.OK : ExitStatus.JOB_FAILED;
  }
}
