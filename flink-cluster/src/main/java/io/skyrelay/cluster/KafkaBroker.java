package io.skyrelay.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process) on 127.0.0.1, for
 * the streaming sync job on this machine. Its storage is formatted on first start and kept across
 * restarts; {@link #start} is idempotent.
 */
public final class KafkaBroker {

  public static final String MAIN = "kafka.Kafka";
  static final String STORAGE_TOOL = "kafka.tools.StorageTool";

  private final Path home;
  private final int port;
  private final int controllerPort;
  private final Path lib;

  /**
   * @param home folder for the broker's configuration, data, log and pid file
   * @param port the client port ({@code bootstrap.servers} is {@code 127.0.0.1:PORT})
   * @param controllerPort the KRaft controller's port
   * @param lib the Flink lib folder; the broker runs from {@code kafka-lib} beside it
   */
  public KafkaBroker(Path home, int port, int controllerPort, Path lib) {
    this.home = home.toAbsolutePath().normalize();
    this.port = port;
    this.controllerPort = controllerPort;
    this.lib = LibFolder.kafkaBesides(LibFolder.check(lib));
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path home() {
    return home;
  }

  public Optional<ProcessHandle> process() {
    return ProcessFiles.alive(pidFile(), MAIN);
  }

  /**
   * Starts the broker unless it runs, and waits until it accepts connections.
   *
   * @return whether it was started (false: it was running already)
   */
  public boolean start(PrintStream out, Duration timeout) {
    if (process().isPresent()) {
      return false;
    }
    for (int p : new int[] {port, controllerPort}) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        throw new ClusterException(
            "port " + p + " is in use on 127.0.0.1 (another Kafka?); choose other ports");
      }
    }
    Path props = home.resolve("server.properties");
    try {
      Files.createDirectories(home.resolve("data"));
      Files.writeString(props, serverProperties());
      Files.writeString(home.resolve("log4j.properties"), FlinkConfig.LOG4J);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broker configuration in " + home, e);
    }
    if (!Files.exists(home.resolve("data/meta.properties"))) {
      ProcessFiles.run(
          lib,
          List.of("-Xmx256m"),
          STORAGE_TOOL,
          List.of("format", "-t", clusterId(), "-c", props.toString()));
    }
    ProcessHandle h =
        ProcessFiles.start(
            lib,
            List.of(
                "-Xms256m",
                "-Xmx512m",
                "-Dlog.file=" + home.resolve("kafka.log"),
                "-Dlog4j.configurationFile=" + home.resolve("log4j.properties").toUri(),
                "-Dkafka.logs.dir=" + home),
            MAIN,
            List.of(props.toString()),
            home,
            home.resolve("kafka.out"),
            pidFile());
    out.println("started Kafka broker (pid " + h.pid() + ") at " + bootstrapServers());
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!h.isAlive()) {
        throw new ClusterException(
            "the Kafka broker exited:\n" + ProcessFiles.tail(home.resolve("kafka.out"), 30));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return true;
      } catch (IOException notYet) {
        FlinkRest.pause(200);
      }
    }
    throw new ClusterException(
        "the Kafka broker did not listen on " + port + " within " + timeout.toSeconds() + " s");
  }

  /**
   * Stops the broker.
   *
   * @return whether a broker was running
   */
  public boolean stop(PrintStream out) {
    Optional<ProcessHandle> h = process();
    if (h.isEmpty()) {
      return false;
    }
    boolean killed = ProcessFiles.stop(h.get(), Duration.ofSeconds(20), pidFile());
    out.println(
        "stopped Kafka broker (pid " + h.get().pid() + ")" + (killed ? ", killed after 20 s" : ""));
    return true;
  }

  private String serverProperties() {
    return String.join(
        "\n",
        "# Written by skyrelay kafka start: one KRaft node, broker and controller, on 127.0.0.1.",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + home.resolve("data"),
        "num.partitions=2",
        "auto.create.topics.enable=true",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "");
  }

  /** A random cluster id in Kafka's form: 16 bytes, URL-safe base64 without padding. */
  private static String clusterId() {
    SecureRandom random = new SecureRandom();
    byte[] b = new byte[16];
    String id;
    do {
      random.nextBytes(b);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    } while (id.startsWith("-"));
    return id;
  }

  private Path pidFile() {
    return home.resolve("kafka.pid");
  }
}
