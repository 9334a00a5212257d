package io.skyrelay.pipelines.common;

import io.skyrelay.cluster.FlinkRest;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a job on a Flink cluster through its REST API and prints a line of progress at an
 * interval, for jobs whose workers are not in this process (so the live progress bar cannot see
 * them).
 */
public final class ClusterProgress implements AutoCloseable {

  private final Thread thread;
  private volatile boolean closed;

  private ClusterProgress(
      FlinkRest rest, String jobName, String knownJobId, PrintStream out, Duration every) {
    long since = System.currentTimeMillis() - 5_000;
    thread =
        new Thread(
            () -> {
              String jobId = null;
              while (!closed) {
                try {
                  if (jobId == null) {
                    Optional<String> found =
                        knownJobId != null
                            ? Optional.of(knownJobId)
                            : rest.jobs().stream()
                                .filter(j -> j.name().equals(jobName) && j.startTime() >= since)
                                .findFirst()
                                .map(FlinkRest.Job::id);
                    if (found.isPresent()) {
                      jobId = found.get();
                      out.println(
                          "job "
                              + jobId
                              + " on "
                              + rest.baseUrl()
                              + " (web UI: /#/job/"
                              + jobId
                              + "/overview)");
                    }
                  } else {
                    out.println("job " + jobId + ": " + rest.progress(jobId).describe());
                  }
                } catch (IOException e) {
                  out.println("cannot reach the Flink REST API at " + rest.baseUrl() + ": " + e);
                }
                try {
                  Thread.sleep(jobId == null ? 500 : every.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "skyrelay-cluster-progress");
    thread.setDaemon(true);
  }

  /** Starts following the newest job named {@code jobName} that starts from now on. */
  public static ClusterProgress follow(
      String master, String jobName, PrintStream out, Duration every) {
    ClusterProgress p = new ClusterProgress(new FlinkRest(master), jobName, null, out, every);
    p.thread.start();
    return p;
  }

  /** Starts following the job {@code jobId}, submitted already. */
  public static ClusterProgress followJob(
      FlinkRest rest, String jobId, PrintStream out, Duration every) {
    ClusterProgress p = new ClusterProgress(rest, null, jobId, out, every);
    p.thread.start();
    return p;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
