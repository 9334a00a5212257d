package io.skyrelay.pipelines;

import io.skyrelay.connectors.NativeDigests;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.pipelines.cluster.ClusterCommand;
import io.skyrelay.pipelines.cluster.KafkaCommand;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.StartupTimes;
import io.skyrelay.pipelines.demo.DemoCommand;
import io.skyrelay.pipelines.gateway.GatewayCommand;
import io.skyrelay.pipelines.plan.PlanCommand;
import io.skyrelay.pipelines.replay.ReplayCommand;
import io.skyrelay.pipelines.replicate.CheckCommand;
import io.skyrelay.pipelines.replicate.ReplicateCommand;
import io.skyrelay.pipelines.serve.ServeCommand;
import io.skyrelay.pipelines.sync.LoadGenCommand;
import io.skyrelay.pipelines.sync.SyncCommand;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code skyrelay} command line. */
@Command(
    name = "skyrelay",
    mixinStandardHelpOptions = true,
    version = "skyrelay 0.1.0",
    description =
        "Moves objects between object stores and keeps them in sync (Apache Beam on Flink).",
    subcommands = {
      ReplicateCommand.class,
      CheckCommand.class,
      SyncCommand.class,
      LoadGenCommand.class,
      PlanCommand.class,
      DemoCommand.class,
      GatewayCommand.class,
      ServeCommand.class,
      ReplayCommand.class,
      ClusterCommand.class,
      KafkaCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit status: 0 all done, 1 some objects failed or deletes were refused,"
          + " 2 usage or configuration error, 3 the job itself failed."
    })
public final class SkyrelayCli implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new SkyrelayCli());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          if (ex instanceof IllegalArgumentException
              || ex instanceof io.skyrelay.connectors.InvalidStoreUriException) {
            cmd.getErr().println("skyrelay: " + ex.getMessage());
            return ExitStatus.USAGE;
          }
          cmd.getErr().println("skyrelay: the job failed: " + reason(ex));
          return ExitStatus.JOB_FAILED;
        });
    cl.setExitCodeExceptionMapper(ex -> ExitStatus.USAGE);
    return cl;
  }

  /**
   * What a user needs to read of a failure: the message of the store error in its causes (the
   * runners wrap them), else the failure itself.
   */
  static String reason(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof StoreException && t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return ex.getMessage() != null ? ex.getMessage() : ex.toString();
  }

  public static void main(String[] args) {
    StartupTimes.mark("main");
    // Loading the native library takes a few hundred milliseconds: on a thread of its own, while
    // the command line is parsed and the job built. Opening a store waits for it (the SDK keeps,
    // per thread, the first SHA-256 it gets, so no S3 client may sign anything before).
    NativeDigests.installInBackground();
    // Beam's options registry reflects over every options interface on the class path when first
    // used (about 0.4 s): also on a thread of its own. Whoever asks first waits for the other.
    Thread options = new Thread(PipelineOptionsFactory::create, "pipeline-options-registry");
    options.setDaemon(true);
    options.start();
    System.exit(commandLine().execute(args));
  }
}
