package io.skyrelay.cluster;

import java.nio.file.Path;

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
 * @param taskManagerMemory TaskManager process size ({@code 1536m})
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

  /** Defaults: REST on 8081, one TaskManager with two slots, JM 768m, TM 1536m. */
  public static ClusterSettings defaults(Path home) {
    return new ClusterSettings(home, 8081, 6123, 6124, 1, 2, "768m", "1536m", "9249-9260");
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
