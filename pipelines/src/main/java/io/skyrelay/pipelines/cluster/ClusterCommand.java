package io.skyrelay.pipelines.cluster;

import io.skyrelay.cluster.ClusterException;
import io.skyrelay.cluster.ClusterSettings;
import io.skyrelay.cluster.FlinkRest;
import io.skyrelay.cluster.LibFolder;
import io.skyrelay.cluster.LocalCluster;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay cluster start|stop|status|savepoint|cancel}. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "A Flink standalone session cluster on this machine: a JobManager and TaskManagers, each its"
          + " own process bound to 127.0.0.1, run from the jars the build puts in"
          + " flink-cluster/target/lib. Checkpoints and savepoints go to the cluster's folder,"
          + " metrics to a Prometheus endpoint, the web UI is at the REST port.",
      "Submit jobs with --flinkMaster 127.0.0.1:PORT. See docs/OPERATIONS.md."
    },
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Status.class,
      ClusterCommand.Savepoint.class,
      ClusterCommand.Cancel.class
    },
    footer = {
      "",
      "Examples:",
      "  skyrelay cluster start --task-managers 2",
      "  skyrelay cluster status",
      "  skyrelay cluster savepoint skyrelay-sync --stop   # then: sync ... --fromSavepoint PATH",
      "  skyrelay cluster stop"
    })
public final class ClusterCommand implements Runnable {

  static final String DEFAULT_HOME = ".skyrelay/cluster";

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Options that locate a local cluster. */
  static class Where {
    @Option(
        names = "--home",
        defaultValue = DEFAULT_HOME,
        description =
            "The cluster's folder: configuration, logs, pid files, checkpoints, savepoints"
                + " (default ${DEFAULT-VALUE}).")
    Path home;

    @Option(
        names = "--lib",
        description =
            "Folder of the cluster's jars (default: flink-cluster/target/lib, built by "
                + LibFolder.BUILD_COMMAND
                + ").")
    Path lib;

    Path lib() {
      return lib == null ? LibFolder.locate() : LibFolder.check(lib);
    }

    ClusterSettings saved() {
      return ClusterSettings.load(home).orElse(ClusterSettings.defaults(home));
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description =
          "Starts the JobManager and TaskManagers that do not run yet and waits until all"
              + " TaskManagers have registered. Running processes are kept (start is idempotent).")
  static final class Start implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where = new Where();

    // Unset options keep what the last start in this --home used, else the defaults.
    @Option(names = "--task-managers", description = "TaskManager processes (default 1).")
    Integer taskManagers;

    @Option(names = "--slots", description = "Task slots per TaskManager (default 2).")
    Integer slots;

    @Option(
        names = "--rest-port",
        description = "REST port and web UI; --flinkMaster 127.0.0.1:PORT (default 8081).")
    Integer restPort;

    @Option(names = "--rpc-port", description = "JobManager RPC port (default 6123).")
    Integer rpcPort;

    @Option(names = "--blob-port", description = "JobManager blob server port (default 6124).")
    Integer blobPort;

    @Option(
        names = "--metrics-ports",
        description = "Prometheus endpoints, one port per process (default 9249-9260).")
    String metricsPorts;

    @Option(names = "--jobmanager-memory", description = "JobManager process size (default 1280m).")
    String jmMemory;

    @Option(
        names = "--taskmanager-memory",
        description = "TaskManager process size (default 2048m).")
    String tmMemory;

    @Override
    public Integer call() {
      Optional<ClusterSettings> running = running(where);
      if (running.isPresent() && anySet()) {
        System.out.println(
            "the cluster in "
                + where.home.toAbsolutePath()
                + " runs already; its settings stay as they are (stop it to change them)");
      }
      ClusterSettings base = where.saved();
      ClusterSettings s =
          running.orElse(
              base.withPorts(
                      or(restPort, base.restPort()),
                      or(rpcPort, base.rpcPort()),
                      or(blobPort, base.blobPort()),
                      or(metricsPorts, base.metricsPorts()))
                  .withTaskManagers(or(taskManagers, base.taskManagers()), or(slots, base.slots()))
                  .withMemory(
                      or(jmMemory, base.jobManagerMemory()),
                      or(tmMemory, base.taskManagerMemory())));
      LocalCluster cluster = new LocalCluster(s, where.lib());
      long t0 = System.nanoTime();
      boolean started = cluster.start(System.out);
      if (!started) {
        System.out.println("the cluster is already running (nothing started)");
      } else {
        System.out.printf("ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      }
      printStatus(cluster, System.out);
      return ExitStatus.OK;
    }

    private boolean anySet() {
      return taskManagers != null
          || slots != null
          || restPort != null
          || rpcPort != null
          || blobPort != null
          || metricsPorts != null
          || jmMemory != null
          || tmMemory != null;
    }

    private static <T> T or(T value, T fallback) {
      return value != null ? value : fallback;
    }

    /** A cluster already running in this home keeps the settings it was started with. */
    private static Optional<ClusterSettings> running(Where where) {
      Optional<ClusterSettings> saved = ClusterSettings.load(where.home);
      if (saved.isPresent()
          && new LocalCluster(saved.get(), where.lib()).jobManager().isPresent()) {
        return saved;
      }
      return Optional.empty();
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description =
          "Stops the TaskManagers, then the JobManager (SIGTERM; SIGKILL after 15 s). Running"
              + " jobs end with them: stop a sync job with a savepoint first.")
  static final class Stop implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where = new Where();

    @Override
    public Integer call() {
      LocalCluster cluster = new LocalCluster(where.saved(), where.lib());
      if (cluster.stop(System.out) == 0) {
        System.out.println("no cluster is running in " + where.home.toAbsolutePath());
      }
      return ExitStatus.OK;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "The JobManager's URL, the TaskManager processes, slots and jobs. Exit status 0 when"
              + " the cluster answers, 1 when it does not run.")
  static final class Status implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where = new Where();

    @Override
    public Integer call() {
      LocalCluster cluster = new LocalCluster(where.saved(), where.lib());
      return printStatus(cluster, System.out) ? ExitStatus.OK : ExitStatus.PARTIAL;
    }
  }

  static boolean printStatus(LocalCluster cluster, PrintStream out) {
    LocalCluster.Status s = cluster.status();
    if (!s.running()) {
      out.println("no cluster is running in " + cluster.settings().home());
      return false;
    }
    out.println(
        "JobManager: "
            + cluster.settings().webUrl()
            + " (pid "
            + s.jobManagerPid().get()
            + "; submit with --flinkMaster "
            + cluster.settings().master()
            + ")");
    out.println("TaskManager processes: " + s.taskManagerPids().size());
    s.taskManagerPids().forEach((i, pid) -> out.println("  " + i + ": pid " + pid));
    if (s.overview().isEmpty()) {
      out.println("the JobManager does not answer at " + cluster.settings().webUrl() + " yet");
      return false;
    }
    FlinkRest.Overview o = s.overview().get();
    out.printf(
        "Flink %s: %d TaskManagers registered, slots %d free of %d, %d jobs running%n",
        o.version(), o.taskManagers(), o.slotsAvailable(), o.slotsTotal(), o.jobsRunning());
    for (FlinkRest.Job j : s.jobs()) {
      out.printf("  job %s %-20s %s%n", j.id(), j.name(), j.state());
    }
    out.println(
        "Checkpoints: "
            + cluster.settings().checkpointDir().toUri()
            + "; logs: "
            + cluster.settings().logDir());
    return true;
  }

  /** Options that name a job on any Flink cluster's REST endpoint. */
  static class JobRef {
    @Parameters(
        index = "0",
        paramLabel = "JOB",
        description = "Job id, or the name of a running job (skyrelay-sync).")
    String job;

    @Option(
        names = {"--flinkMaster", "--flink-master"},
        description =
            "The cluster's REST endpoint HOST:PORT (default: the local cluster of --home).")
    String master;

    @Option(
        names = "--home",
        defaultValue = DEFAULT_HOME,
        description = "The local cluster's folder (default ${DEFAULT-VALUE}).")
    Path home;

    FlinkRest rest() {
      return new FlinkRest(
          master != null
              ? master
              : ClusterSettings.load(home).orElse(ClusterSettings.defaults(home)).master());
    }

    String jobId(FlinkRest rest) throws IOException {
      if (job.matches("[0-9a-f]{32}")) {
        return job;
      }
      return rest.runningJob(job)
          .map(FlinkRest.Job::id)
          .orElseThrow(
              () ->
                  new ClusterException("no running job named '" + job + "' at " + rest.baseUrl()));
    }
  }

  @Command(
      name = "savepoint",
      mixinStandardHelpOptions = true,
      description = {
        "Takes a savepoint of a running job; with --stop, stops the job with it (sources stop"
            + " first, the savepoint is consistent, no events are lost). Prints the savepoint's"
            + " path: resume with skyrelay sync ... --fromSavepoint PATH.",
      })
  static final class Savepoint implements Callable<Integer> {
    @picocli.CommandLine.Mixin JobRef ref = new JobRef();

    @Option(names = "--stop", description = "Stop the job with the savepoint.")
    boolean stop;

    @Option(
        names = "--dir",
        description =
            "Where the savepoint goes, a URI the cluster can write (default: the local"
                + " cluster's savepoints folder; on other clusters their state.savepoints.dir).")
    String dir;

    @Option(
        names = "--timeout",
        defaultValue = "300",
        description = "Seconds to wait for the savepoint (default ${DEFAULT-VALUE}).")
    long timeout;

    @Override
    public Integer call() throws IOException {
      FlinkRest rest = ref.rest();
      String id = ref.jobId(rest);
      String target =
          dir != null
              ? dir
              : ref.master == null
                  ? ClusterSettings.load(ref.home)
                      .orElse(ClusterSettings.defaults(ref.home))
                      .savepointDir()
                      .toUri()
                      .toString()
                  : null;
      long t0 = System.nanoTime();
      String path =
          stop
              ? rest.stopWithSavepoint(id, target, Duration.ofSeconds(timeout))
              : rest.savepoint(id, target, Duration.ofSeconds(timeout));
      System.out.printf(
          "%s job %s with a savepoint in %.1f s%n",
          stop ? "stopped" : "took a savepoint of", id, (System.nanoTime() - t0) / 1e9);
      if (stop) {
        awaitEnd(rest, id);
      }
      System.out.println("savepoint: " + path);
      return ExitStatus.OK;
    }
  }

  private static void awaitEnd(FlinkRest rest, String id) throws IOException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      String state = rest.jobState(id);
      if (state.equals("FINISHED") || state.equals("CANCELED") || state.equals("FAILED")) {
        System.out.println("job " + id + " is " + state);
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Cancels a job without a savepoint (its last retained checkpoint can still be resumed"
              + " from with --fromSavepoint).")
  static final class Cancel implements Callable<Integer> {
    @picocli.CommandLine.Mixin JobRef ref = new JobRef();

    @Override
    public Integer call() throws IOException {
      FlinkRest rest = ref.rest();
      String id = ref.jobId(rest);
      String latest = rest.checkpoints(id).latestPath();
      rest.cancel(id);
      awaitEnd(rest, id);
      if (latest != null) {
        System.out.println("latest retained checkpoint: " + latest);
      }
      return ExitStatus.OK;
    }
  }
}
