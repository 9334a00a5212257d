package io.skyrelay.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Flink standalone session cluster on this machine: one JobManager process and TaskManager
 * processes, started from the jars of a {@link LibFolder} with the configuration {@link
 * FlinkConfig} writes, tracked by pid files under the cluster's home folder.
 *
 * <p>{@link #start} is idempotent: processes that run already are kept, missing ones are started.
 * {@link #stop} stops TaskManagers, then the JobManager (SIGTERM, SIGKILL after a grace period).
 */
public final class LocalCluster {

  public static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  public static final String TASK_MANAGER_MAIN =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  static final String MEMORY_TOOL = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

  /** What {@link #status} finds. */
  public record Status(
      Optional<Long> jobManagerPid,
      TreeMap<Integer, Long> taskManagerPids,
      Optional<FlinkRest.Overview> overview,
      List<FlinkRest.Job> jobs) {
    public boolean running() {
      return jobManagerPid.isPresent();
    }
  }

  private final ClusterSettings settings;
  private final Path lib;
  private Duration readyTimeout = Duration.ofSeconds(90);

  public LocalCluster(ClusterSettings settings, Path lib) {
    this.settings = settings;
    this.lib = LibFolder.check(lib);
  }

  public ClusterSettings settings() {
    return settings;
  }

  public FlinkRest rest() {
    return new FlinkRest(settings.master());
  }

  public LocalCluster withReadyTimeout(Duration timeout) {
    this.readyTimeout = timeout;
    return this;
  }

  /**
   * Starts what is not running yet and waits until the JobManager answers with all TaskManagers
   * registered.
   *
   * @return whether anything was started (false: the cluster was already up)
   */
  public boolean start(PrintStream out) {
    boolean started = false;
    if (jobManager().isEmpty()) {
      checkPortsFree();
      FlinkConfig.write(settings);
      settings.save();
      startJobManager();
      out.println(
          "started JobManager (pid " + jobManager().map(ProcessHandle::pid).orElse(-1L) + ")");
      started = true;
    }
    TreeMap<Integer, ProcessHandle> tms = taskManagers();
    for (int i = 1; tms.size() < settings.taskManagers(); i++) {
      if (!tms.containsKey(i)) {
        ProcessHandle h = startTaskManager(i);
        out.println("started TaskManager " + i + " (pid " + h.pid() + ")");
        tms.put(i, h);
        started = true;
      }
    }
    awaitReady(settings.taskManagers());
    return started;
  }

  /** Starts one more TaskManager and waits until it has registered. */
  public int addTaskManager() {
    TreeMap<Integer, ProcessHandle> tms = taskManagers();
    int index = 1;
    while (tms.containsKey(index)) {
      index++;
    }
    startTaskManager(index);
    awaitReady(tms.size() + 1);
    return index;
  }

  /** Kills a TaskManager process at once (SIGKILL), as a crash would. */
  public void killTaskManager(int index) {
    ProcessHandle h = taskManagers().get(index);
    if (h == null) {
      throw new ClusterException("TaskManager " + index + " is not running");
    }
    h.destroyForcibly();
    try {
      h.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
      Files.deleteIfExists(tmPidFile(index));
    } catch (Exception e) {
      throw new ClusterException("TaskManager " + index + " (pid " + h.pid() + ") did not exit", e);
    }
  }

  /**
   * Stops every process of the cluster.
   *
   * @return the number of processes stopped
   */
  public int stop(PrintStream out) {
    int stopped = 0;
    for (var e : taskManagers().entrySet()) {
      boolean killed =
          ProcessFiles.stop(e.getValue(), Duration.ofSeconds(15), tmPidFile(e.getKey()));
      out.println(
          "stopped TaskManager "
              + e.getKey()
              + " (pid "
              + e.getValue().pid()
              + ")"
              + (killed ? ", killed after 15 s" : ""));
      ProcessFiles.deleteTree(taskManagerTmp(e.getKey()));
      stopped++;
    }
    Optional<ProcessHandle> jm = jobManager();
    if (jm.isPresent()) {
      boolean killed = ProcessFiles.stop(jm.get(), Duration.ofSeconds(15), jmPidFile());
      out.println(
          "stopped JobManager (pid "
              + jm.get().pid()
              + ")"
              + (killed ? ", killed after 15 s" : ""));
      stopped++;
    }
    return stopped;
  }

  /** Which processes run, and what the JobManager says about slots and jobs. */
  public Status status() {
    Optional<Long> jm = jobManager().map(ProcessHandle::pid);
    TreeMap<Integer, Long> tms = new TreeMap<>();
    taskManagers().forEach((i, h) -> tms.put(i, h.pid()));
    Optional<FlinkRest.Overview> overview = jm.isPresent() ? rest().overview() : Optional.empty();
    List<FlinkRest.Job> jobs = List.of();
    if (overview.isPresent()) {
      try {
        jobs = rest().jobs();
      } catch (IOException e) {
        jobs = List.of();
      }
    }
    return new Status(jm, tms, overview, jobs);
  }

  public Optional<ProcessHandle> jobManager() {
    return ProcessFiles.alive(jmPidFile(), JOB_MANAGER_MAIN);
  }

  /** Running TaskManagers by index. */
  public TreeMap<Integer, ProcessHandle> taskManagers() {
    TreeMap<Integer, ProcessHandle> tms = new TreeMap<>();
    if (!Files.isDirectory(settings.pidDir())) {
      return tms;
    }
    try (var files = Files.list(settings.pidDir())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.matches("taskmanager-\\d+\\.pid")) {
          int index = Integer.parseInt(name.replaceAll("\\D", ""));
          ProcessFiles.alive(f, TASK_MANAGER_MAIN).ifPresent(h -> tms.put(index, h));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tms;
  }

  /**
   * Waits until the REST endpoint reports at least {@code taskManagers} registered, with their
   * slots.
   */
  public void awaitReady(int taskManagers) {
    Instant deadline = Instant.now().plus(readyTimeout);
    while (Instant.now().isBefore(deadline)) {
      if (jobManager().isEmpty()) {
        throw new ClusterException(
            "the JobManager exited; the end of its log ("
                + settings.logDir().resolve("jobmanager.log")
                + "):\n"
                + ProcessFiles.tail(settings.logDir().resolve("jobmanager.out"), 20)
                + "\n"
                + ProcessFiles.tail(settings.logDir().resolve("jobmanager.log"), 20));
      }
      Optional<FlinkRest.Overview> o = rest().overview();
      if (o.isPresent()
          && o.get().taskManagers() >= taskManagers
          && o.get().slotsTotal() >= taskManagers * settings.slots()) {
        return;
      }
      FlinkRest.pause(250);
    }
    throw new ClusterException(
        "the cluster at "
            + settings.webUrl()
            + " did not report "
            + taskManagers
            + " TaskManagers within "
            + readyTimeout.toSeconds()
            + " s; see the logs in "
            + settings.logDir());
  }

  private void startJobManager() {
    List<String> memory = memoryParams("GET_JM_RESOURCE_PARAMS");
    List<String> jvm = new ArrayList<>(jvmOptions("jobmanager"));
    jvm.addAll(Arrays.asList(memory.get(0).trim().split("\\s+")));
    List<String> args = new ArrayList<>(List.of("--configDir", settings.confDir().toString()));
    args.addAll(dynamicProperties(memory.get(1)));
    ProcessFiles.start(
        lib,
        jvm,
        JOB_MANAGER_MAIN,
        args,
        settings.home(),
        settings.logDir().resolve("jobmanager.out"),
        jmPidFile());
  }

  private ProcessHandle startTaskManager(int index) {
    List<String> memory = memoryParams("GET_TM_RESOURCE_PARAMS");
    List<String> jvm = new ArrayList<>(jvmOptions("taskmanager-" + index));
    jvm.addAll(Arrays.asList(memory.get(0).trim().split("\\s+")));
    List<String> args = new ArrayList<>(List.of("--configDir", settings.confDir().toString()));
    args.addAll(dynamicProperties(memory.get(1)));
    // Its working files (the jobs' jars, about 450 MB for a skyrelay job) under the cluster's
    // folder, emptied when it starts and when it stops: under /tmp they outlived every stop.
    Path tmp = taskManagerTmp(index);
    ProcessFiles.deleteTree(tmp);
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new ClusterException("cannot create " + tmp + ": " + e.getMessage());
    }
    args.add("-D");
    args.add("io.tmp.dirs=" + tmp.toAbsolutePath());
    return ProcessFiles.start(
        lib,
        jvm,
        TASK_MANAGER_MAIN,
        args,
        settings.home(),
        settings.logDir().resolve("taskmanager-" + index + ".out"),
        tmPidFile(index));
  }

  /** The working folder of TaskManager {@code index}. */
  Path taskManagerTmp(int index) {
    return settings.home().resolve("tmp").resolve("taskmanager-" + index);
  }

  private List<String> jvmOptions(String logName) {
    List<String> jvm = new ArrayList<>(Arrays.asList(FlinkConfig.JAVA_17_OPTIONS));
    jvm.add("-Dlog.file=" + settings.logDir().resolve(logName + ".log"));
    jvm.add("-Dlog4j.configurationFile=" + settings.confDir().resolve("log4j.properties").toUri());
    jvm.add("-Djdk.httpclient.allowRestrictedHeaders=content-length");
    return jvm;
  }

  /** The JVM line and the dynamic properties Flink derives from the configured process size. */
  private List<String> memoryParams(String which) {
    String out =
        ProcessFiles.run(
            lib,
            List.of("-Xmx128m"),
            MEMORY_TOOL,
            List.of(which, "--configDir", settings.confDir().toString()));
    List<String> results = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith(RESULT_PREFIX)) {
        results.add(line.substring(RESULT_PREFIX.length()));
      }
    }
    if (results.size() < 2) {
      throw new ClusterException("Flink could not derive the memory settings:\n" + out);
    }
    return results.subList(results.size() - 2, results.size());
  }

  private static List<String> dynamicProperties(String line) {
    List<String> args = new ArrayList<>();
    for (String part : line.trim().split("\\s*-D\\s+")) {
      if (!part.isBlank()) {
        args.add("-D");
        args.add(part.trim());
      }
    }
    return args;
  }

  private void checkPortsFree() {
    checkPortFree(settings.restPort(), "REST (--rest-port)");
    checkPortFree(settings.rpcPort(), "RPC (--rpc-port)");
    checkPortFree(settings.blobPort(), "blob server (--blob-port)");
  }

  private static void checkPortFree(int port, String what) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new ClusterException(
          "port "
              + port
              + " for the JobManager's "
              + what
              + " is in use on 127.0.0.1 (another Flink cluster?); stop that process or choose"
              + " another port");
    }
  }

  private Path jmPidFile() {
    return settings.pidDir().resolve("jobmanager.pid");
  }

  private Path tmPidFile(int index) {
    return settings.pidDir().resolve("taskmanager-" + index + ".pid");
  }
}
