package io.skyrelay.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * How a local session cluster is laid out and sized.
 *
 * @param home folder for the configuration, logs, pid files, checkpoints and savepoints
 * @param restPort the JobManager's REST endpoint and web UI (what {@code --flinkMaster} names)
 * @param rpcPort the JobManager's RPC port
 * @param blobPort the JobManager's blob server port (jars of submitted jobs)
 * @param taskManagers TaskManager processes started with the cluster
 * @param slots task slots per TaskManager
 * @param jobManagerMemory JobManager process size, Flink syntax ({@code 768m})
 * @param taskManagerMemory TaskManager process size ({@code 2048m})
 * @param metricsPorts Prometheus reporter port range, one port per process ({@code 9249-9260})
 */
public record ClusterSettings(
    Path home,
    int restPort,
    int rpcPort,
    int blobPort,
    int taskManagers,
    int slots,
    String jobManagerMemory,
    String taskManagerMemory,
    String metricsPorts) {

  /**
   * Defaults: REST on 8081, one TaskManager with two slots, JM 1280m, TM 2048m (measured: a 640m
   * JobManager runs out of heap when a job with the pipelines' jars is submitted).
   */
  public static ClusterSettings defaults(Path home) {
    return new ClusterSettings(home, 8081, 6123, 6124, 1, 2, "1280m", "2048m", "9249-9260");
  }

  public ClusterSettings {
    if (taskManagers < 0 || slots < 1) {
      throw new IllegalArgumentException("task managers must be >= 0 and slots >= 1");
    }
    home = home.toAbsolutePath().normalize();
  }

  public ClusterSettings withRestPort(int port) {
    return new ClusterSettings(
        home,
        port,
        rpcPort,
        blobPort,
        taskManagers,
        slots,
        jobManagerMemory,
        taskManagerMemory,
        metricsPorts);
  }

  public ClusterSettings withPorts(int rest, int rpc, int blob, String metrics) {
    return new ClusterSettings(
        home, rest, rpc, blob, taskManagers, slots, jobManagerMemory, taskManagerMemory, metrics);
  }

  public ClusterSettings withTaskManagers(int count, int slotsEach) {
    return new ClusterSettings(
        home,
        restPort,
        rpcPort,
        blobPort,
        count,
        slotsEach,
        jobManagerMemory,
        taskManagerMemory,
        metricsPorts);
  }

  public ClusterSettings withMemory(String jobManager, String taskManager) {
    return new ClusterSettings(
        home,
        restPort,
        rpcPort,
        blobPort,
        taskManagers,
        slots,
        jobManager,
        taskManager,
        metricsPorts);
  }

  /** Remembers these settings in the home folder, so stop and status find the cluster. */
  public void save() {
    Properties p = new Properties();
    p.setProperty("rest.port", Integer.toString(restPort));
    p.setProperty("rpc.port", Integer.toString(rpcPort));
    p.setProperty("blob.port", Integer.toString(blobPort));
    p.setProperty("taskmanagers", Integer.toString(taskManagers));
    p.setProperty("slots", Integer.toString(slots));
    p.setProperty("jobmanager.memory", jobManagerMemory);
    p.setProperty("taskmanager.memory", taskManagerMemory);
    p.setProperty("metrics.ports", metricsPorts);
    try {
      Files.createDirectories(home);
      try (Writer w = Files.newBufferedWriter(home.resolve(SAVED))) {
        p.store(w, "skyrelay cluster settings");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + home.resolve(SAVED), e);
    }
  }

  /** The settings a cluster in {@code home} was started with, if it was. */
  public static Optional<ClusterSettings> load(Path home) {
    Path f = home.resolve(SAVED);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    return Optional.of(
        new ClusterSettings(
            home,
            Integer.parseInt(p.getProperty("rest.port")),
            Integer.parseInt(p.getProperty("rpc.port")),
            Integer.parseInt(p.getProperty("blob.port")),
            Integer.parseInt(p.getProperty("taskmanagers")),
            Integer.parseInt(p.getProperty("slots")),
            p.getProperty("jobmanager.memory"),
            p.getProperty("taskmanager.memory"),
            p.getProperty("metrics.ports")));
  }

  private static final String SAVED = "cluster.properties";

  public Path confDir() {
    return home.resolve("conf");
  }

  public Path logDir() {
    return home.resolve("log");
  }

  public Path pidDir() {
    return home.resolve("pids");
  }

  public Path checkpointDir() {
    return home.resolve("checkpoints");
  }

  public Path savepointDir() {
    return home.resolve("savepoints");
  }

  /** The REST endpoint as {@code --flinkMaster} takes it. */
  public String master() {
    return "127.0.0.1:" + restPort;
  }

  public String webUrl() {
    return "http://" + master();
  }
}
