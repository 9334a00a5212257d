package io.skyrelay.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a session cluster's {@code conf/config.yaml} (Flink 1.19's standard YAML, here as flat
 * keys, which it also accepts) and {@code log4j.properties}.
 *
 * <p>Everything binds to 127.0.0.1. Checkpoints and savepoints go to the cluster's home folder,
 * externalized checkpoints are kept on cancel, a failed job restarts with a fixed delay, and
 * heartbeats are short so that a lost TaskManager is noticed within seconds on one machine.
 */
public final class FlinkConfig {

  private FlinkConfig() {}

  /** The configuration of {@code s}, in the order it is written. */
  public static Map<String, String> entries(ClusterSettings s) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", Integer.toString(s.rpcPort()));
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("jobmanager.memory.process.size", s.jobManagerMemory());
    // A submitted job brings a few hundred jars (Beam and the cloud SDKs) in its own class loader.
    c.put("jobmanager.memory.jvm-metaspace.size", "384m");
    c.put("taskmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.host", "127.0.0.1");
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(s.slots()));
    c.put("taskmanager.memory.process.size", s.taskManagerMemory());
    c.put("taskmanager.memory.jvm-metaspace.size", "384m");
    // No RocksDB here: managed memory would sit unused, the heap state backend wants the heap.
    c.put("taskmanager.memory.managed.fraction", "0.05");
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", Integer.toString(s.restPort()));
    // Jobs are submitted with their jars in the request.
    c.put("rest.server.max-content-length", "1073741824");
    c.put("rest.client.max-content-length", "1073741824");
    c.put("blob.server.port", Integer.toString(s.blobPort()));
    c.put("web.submit.enable", "true");
    c.put("web.cancel.enable", "true");
    c.put("parallelism.default", Integer.toString(Math.max(1, s.slots())));
    c.put("state.backend.type", "hashmap");
    c.put("state.checkpoints.dir", s.checkpointDir().toUri().toString());
    c.put("state.savepoints.dir", s.savepointDir().toUri().toString());
    c.put("state.checkpoints.num-retained", "3");
    c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    c.put("restart-strategy.type", "fixed-delay");
    c.put("restart-strategy.fixed-delay.attempts", "30");
    c.put("restart-strategy.fixed-delay.delay", "2 s");
    c.put("heartbeat.interval", "2000");
    c.put("heartbeat.timeout", "10000");
    c.put("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
    c.put("metrics.reporter.prom.port", s.metricsPorts());
    c.put("classloader.check-leaked-classloader", "false");
    // A job jar's main run by the JobManager (web submit) must not end the JobManager.
    c.put("cluster.intercept-user-system-exit", "THROW");
    return c;
  }

  /** The Prometheus reporter, from {@code flink-metrics-prometheus} in the lib folder. */
  public static final String PROMETHEUS_FACTORY =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  /** What Flink's own start scripts add on Java 17. */
  public static final String[] JAVA_17_OPTIONS = {
    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.text=ALL-UNNAMED",
    "--add-opens=java.base/java.time=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"
  };

  /** Writes {@code config.yaml} and {@code log4j.properties} into the cluster's conf folder. */
  public static void write(ClusterSettings s) {
    try {
      Files.createDirectories(s.confDir());
      Files.createDirectories(s.logDir());
      Files.createDirectories(s.pidDir());
      Files.createDirectories(s.checkpointDir());
      Files.createDirectories(s.savepointDir());
      StringBuilder yaml = new StringBuilder("# Written by skyrelay cluster start.\n");
      entries(s).forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
      Files.writeString(s.confDir().resolve("config.yaml"), yaml);
      Files.writeString(s.confDir().resolve("log4j.properties"), LOG4J);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the cluster configuration in " + s.home(), e);
    }
  }

  private static String quote(String v) {
    return v.matches("[A-Za-z0-9._:/ -]*") && !v.startsWith("-") ? v : "\"" + v + "\"";
  }

  static final String LOG4J =
      """
      # Each process logs to its own file (log.file is set on its command line); appending keeps
      # the log of a process that was restarted.
      rootLogger.level = INFO
      rootLogger.appenderRef.file.ref = MainAppender
      logger.pekko.name = org.apache.pekko
      logger.pekko.level = WARN
      logger.kafka.name = org.apache.kafka
      logger.kafka.level = WARN
      appender.main.name = MainAppender
      appender.main.type = File
      appender.main.append = true
      appender.main.fileName = ${sys:log.file}
      appender.main.layout.type = PatternLayout
      appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
      """;
}
