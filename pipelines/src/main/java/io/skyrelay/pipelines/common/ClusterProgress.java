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

  private ClusterProgress(String master, String jobName, PrintStream out, Duration every) {
    FlinkRest rest = new FlinkRest(master);
    long since = System.currentTimeMillis() - 5_000;
    thread =
        new Thread(
            () -> {
              String jobId = null;
              while (!closed) {
                try {
                  if (jobId == null) {
                    Optional<FlinkRest.Job> job =
                        rest.jobs().stream()
                            .filter(j -> j.name().equals(jobName) && j.startTime() >= since)
                            .findFirst();
                    if (job.isPresent()) {
                      jobId = job.get().id();
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
    ClusterProgress p = new ClusterProgress(master, jobName, out, every);
    p.thread.start();
    return p;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
