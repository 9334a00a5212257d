package io.skyrelay.pipelines.cluster;

import io.skyrelay.cluster.KafkaBroker;
import io.skyrelay.cluster.LibFolder;
import io.skyrelay.pipelines.common.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay kafka start|stop|status}. */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = {
      "A single-node Kafka broker (KRaft: broker and controller in one process) on 127.0.0.1 for"
          + " the sync job on this machine; its data stays in --home across restarts. Start is"
          + " idempotent."
    },
    footer = {"", "Examples:", "  skyrelay kafka start", "  skyrelay kafka stop"})
public final class KafkaCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop or status.")
  String action;

  @Option(
      names = "--home",
      defaultValue = ".skyrelay/kafka",
      description = "The broker's folder: configuration, data, log (default ${DEFAULT-VALUE}).")
  Path home;

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Client port: bootstrap servers 127.0.0.1:PORT (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--controller-port",
      defaultValue = "9093",
      description = "KRaft controller port (default ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--lib", description = "Folder of the jars (default flink-cluster/target/lib).")
  Path lib;

  @Override
  public Integer call() {
    KafkaBroker broker =
        new KafkaBroker(
            home, port, controllerPort, lib == null ? LibFolder.locate() : LibFolder.check(lib));
    switch (action) {
      case "start" -> {
        if (!broker.start(System.out, Duration.ofSeconds(60))) {
          System.out.println(
              "the Kafka broker is already running (pid " + broker.process().get().pid() + ")");
        }
        System.out.println("bootstrap servers: " + broker.bootstrapServers());
      }
      case "stop" -> {
        if (!broker.stop(System.out)) {
          System.out.println("no Kafka broker is running in " + broker.home());
        }
      }
      case "status" -> {
        if (broker.process().isEmpty()) {
          System.out.println("no Kafka broker is running in " + broker.home());
          return ExitStatus.PARTIAL;
        }
        System.out.println(
            "Kafka broker pid "
                + broker.process().get().pid()
                + ", bootstrap servers "
                + broker.bootstrapServers());
      }
      default ->
          throw new IllegalArgumentException(
              "kafka takes start, stop or status, not '" + action + "'");
    }
    return ExitStatus.OK;
  }
}
