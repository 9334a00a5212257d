package io.skyrelay.transforms.replicate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;

/**
 * A DoFn that works on up to {@code threads} elements of a bundle at once: transfers wait on the
 * network, so a 2-core worker keeps dozens of them in flight. Results are emitted when the bundle
 * finishes, so a bundle that did not fail has all its outputs. Meant for the global window (batch
 * jobs).
 */
abstract class ConcurrentFn<InputT, OutputT> extends DoFn<InputT, OutputT> {

  private final int threads;
  private transient ExecutorService pool;
  private transient List<Future<List<OutputT>>> pending;

  ConcurrentFn(int threads) {
    this.threads = threads;
  }

  /** Processes one element on a pool thread; returns its outputs. */
  abstract List<OutputT> work(InputT element) throws Exception;

  /** Opens clients; called once per instance before any work. */
  void open() {}

  /** Closes what {@link #open} opened. */
  void close() {}

  @Setup
  public final void setup() {
    pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, getClass().getSimpleName() + "-worker");
              t.setDaemon(true);
              return t;
            });
    open();
  }

  @StartBundle
  public final void startBundle() {
    pending = new ArrayList<>();
  }

  @ProcessElement
  public final void process(@Element InputT element) {
    pending.add(pool.submit(() -> work(element)));
  }

  @FinishBundle
  public final void finishBundle(FinishBundleContext context) throws Exception {
    List<Future<List<OutputT>>> done = pending;
    pending = new ArrayList<>();
    for (Future<List<OutputT>> f : done) {
      List<OutputT> outputs;
      try {
        outputs = f.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
      for (OutputT o : outputs) {
        context.output(o, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }
  }

  @Teardown
  public final void teardown() {
    if (pool != null) {
      pool.shutdownNow();
    }
    close();
  }
}
