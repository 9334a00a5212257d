package io.skyrelay.service.exports;

import io.skyrelay.service.catalogue.Catalogue;
import io.skyrelay.service.catalogue.Dataset;
import io.skyrelay.service.catalogue.ReadCsvRowsFn;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued export requests one at a time on a thread of its own: claims the oldest queued
 * request, starts its job, and while it runs records its progress (from the job's counters) and
 * stops it as soon as the request is cancelled (nobody waits for it any more). Requests a stopped
 * service left running are queued again when the runner starts, so none is lost.
 */
public final class ExportRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);
  private static final long IDLE_WAIT_MILLIS = 1000;
  private static final long WATCH_MILLIS = 100;

  private final ExportRequests requests;
  private final Catalogue catalogue;
  private final StoreLocation exportRoot;
  private final Supplier<PipelineOptions> options;
  private final Object wake = new Object();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile PipelineResult current;
  private volatile String currentId;

  public ExportRunner(
      ExportRequests requests,
      Catalogue catalogue,
      StoreLocation exportRoot,
      Supplier<PipelineOptions> options) {
    this.requests = requests;
    this.catalogue = catalogue;
    this.exportRoot = exportRoot;
    this.options = options;
    this.thread = new Thread(this::loop, "skyrelay-export-runner");
    thread.setDaemon(true);
  }

  /** Queues again what a stopped service left running, then starts taking requests. */
  public void start() {
    int requeued = requests.requeueRunning();
    if (requeued > 0) {
      LOG.info("{} export request(s) left running by the last service queued again", requeued);
    }
    thread.start();
  }

  /** Tells the runner a request was queued, so it need not wait for its next look. */
  public void wake() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void loop() {
    while (!stopping) {
      Optional<ExportRequest> next;
      try {
        next = requests.claimNext();
      } catch (RuntimeException e) {
        LOG.warn("cannot read the export queue: {}", e.getMessage());
        next = Optional.empty();
      }
      if (next.isPresent()) {
        run(next.get());
        continue;
      }
      synchronized (wake) {
        try {
          wake.wait(IDLE_WAIT_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The request whose job runs now, if any. */
  public Optional<String> running() {
    return Optional.ofNullable(currentId);
  }

  private void run(ExportRequest request) {
    String id = request.id();
    currentId = id;
    try {
      Dataset dataset =
          catalogue
              .find(request.dataset())
              .orElseThrow(
                  () -> new IllegalStateException("dataset " + request.dataset() + " is gone"));
      ExportSpec spec = ExportSpec.fromKey(request.spec().toString());
      PipelineResult result = ExportJob.start(spec, dataset, exportRoot, id, options.get());
      current = result;
      PipelineResult.State state = watch(id, dataset, result);
      current = null;
      if (state == PipelineResult.State.DONE) {
        if (dataset.tabular() && !ExportJob.csvWritten(exportRoot, id)) {
          ExportJob.writeEmptyCsv(exportRoot, id, spec.columns());
        }
        report(id, dataset, result, 1.0);
        requests.done(id, ExportJob.resultKey(exportRoot, id, dataset));
        LOG.info("export {} of {} done", id, dataset.name());
      } else if (state == PipelineResult.State.CANCELLED) {
        LOG.info("export {} stopped: nobody waits for it", id);
      } else {
        requests.failed(id, "the export job ended " + state);
      }
    } catch (RuntimeException e) {
      current = null;
      String reason = reason(e);
      LOG.warn("export {} failed: {}", id, reason);
      requests.failed(id, reason);
    } finally {
      currentId = null;
    }
  }

  /** Waits for the job, recording progress, and cancels it when the request is cancelled. */
  private PipelineResult.State watch(String id, Dataset dataset, PipelineResult result) {
    while (true) {
      PipelineResult.State state = result.waitUntilFinish(Duration.millis(WATCH_MILLIS));
      if (state != null && state.isTerminal()) {
        return state;
      }
      if (!report(id, dataset, result, -1)) {
        try {
          result.cancel();
        } catch (IOException | UnsupportedOperationException e) {
          LOG.warn("cannot stop export {}: {}", id, e.getMessage());
        }
        return PipelineResult.State.CANCELLED;
      }
      if (stopping) {
        try {
          result.cancel();
        } catch (IOException | UnsupportedOperationException e) {
          // the service is stopping; the request is queued again on the next start
        }
        return PipelineResult.State.CANCELLED;
      }
    }
  }

  /**
   * Records the job's counters as the request's progress; {@code progress} below 0 means estimated:
   * the share of listed objects done so far, at most 0.99 until the job has finished.
   *
   * @return false when the request is no longer running
   */
  private boolean report(String id, Dataset dataset, PipelineResult result, double progress) {
    long listed = counter(result, "listed");
    long exported = counter(result, ExportJob.OBJECTS_EXPORTED);
    long read = counter(result, ReadCsvRowsFn.OBJECTS_READ);
    long rows = counter(result, ExportJob.ROWS_WRITTEN);
    long bytes = counter(result, ExportJob.BYTES_EXPORTED);
    double estimate =
        progress >= 0
            ? progress
            : listed == 0
                ? 0
                : Math.min(0.99, (double) (dataset.tabular() ? read : exported) / listed);
    return requests.progress(id, estimate, dataset.tabular() ? read : exported, rows, bytes);
  }

  private static long counter(PipelineResult result, String name) {
    try {
      long sum = 0;
      for (MetricResult<Long> c :
          result.metrics().queryMetrics(MetricsFilter.builder().build()).getCounters()) {
        if (c.getName().getName().equals(name)) {
          Long v = c.getAttempted();
          sum += v == null ? 0 : v;
        }
      }
      return sum;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String name = t.getClass().getSimpleName();
    return t.getMessage() == null ? name : name + ": " + t.getMessage();
  }

  @Override
  public void close() {
    stopping = true;
    wake();
    PipelineResult running = current;
    if (running != null) {
      try {
        running.cancel();
      } catch (IOException | RuntimeException e) {
        // stopping anyway
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
