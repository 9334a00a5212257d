package io.skyrelay.replay;

import io.skyrelay.replay.sim.PolicyResult;
import io.skyrelay.replay.sim.Simulator;
import io.skyrelay.replay.trace.KeyInterner;
import io.skyrelay.replay.trace.ParseReport;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadCsvWriter;
import io.skyrelay.replay.workload.WorkloadGenerator;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The in-process replay: streams a trace once, gives IBM-format requests their regions, and runs
 * every policy over each block of requests, the policies side by side on the machine's cores while
 * the next block is parsed. Memory grows with the number of distinct objects, not with the length
 * of the trace.
 */
public final class TraceReplay {

  static final int BATCH = 1 << 14;

  private TraceReplay() {}

  /**
   * What a replay read and what each policy cost.
   *
   * @param results one per policy, in the order asked
   * @param parse lines, requests and malformed lines
   * @param requests requests replayed, added PUTs included
   * @param objects distinct objects
   * @param firstMs the first timestamp
   * @param endMs the last timestamp
   * @param seconds wall-clock time the replay took
   */
  public record Outcome(
      List<PolicyResult> results,
      ParseReport parse,
      long requests,
      long objects,
      long firstMs,
      long endMs,
      double seconds) {}

  /**
   * Replays a trace file.
   *
   * @param trace an IBM trace or a workload CSV, plain or gzip
   * @param type for an IBM trace, how requests get regions (ignored for a workload CSV)
   * @param workloadOut when not null, the workload is also written there as CSV
   * @param progress updated while the replay runs; may be null
   */
  public static Outcome run(
      Path trace,
      CostModel model,
      List<Policy> policies,
      WorkloadType type,
      long seed,
      boolean strict,
      Path workloadOut,
      ReplayProgress progress) {
    ReplayProgress p = progress == null ? new ReplayProgress() : progress;
    try (InputStream raw = Files.newInputStream(trace)) {
      p.total(Files.size(trace));
      return run(
          p.count(raw),
          trace.toString(),
          model,
          policies,
          type,
          seed,
          strict,
          workloadOut == null ? null : Files.newOutputStream(workloadOut),
          p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + trace + ": " + e.getMessage(), e);
    }
  }

  /** Replays a trace stream; closes {@code workloadOut}. */
  public static Outcome run(
      InputStream in,
      String source,
      CostModel model,
      List<Policy> policies,
      WorkloadType type,
      long seed,
      boolean strict,
      OutputStream workloadOut,
      ReplayProgress progress) {
    long started = System.nanoTime();
    KeyInterner keys = new KeyInterner();
    List<Simulator> sims = new ArrayList<>();
    WorkloadGenerator gen = new WorkloadGenerator(type, seed, model.regions());
    // Two sets of buffers: the reader fills one while the simulators replay the other.
    RequestBatch[] raw = {new RequestBatch(BATCH), new RequestBatch(BATCH)};
    RequestBatch[] assigned = {new RequestBatch(2 * BATCH), new RequestBatch(2 * BATCH)};
    int threads =
        Math.max(1, Math.min(policies.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "replay");
              t.setDaemon(true);
              return t;
            });
    long requests = 0;
    long first = Long.MIN_VALUE;
    long end = Long.MIN_VALUE;
    WorkloadCsvWriter csv =
        workloadOut == null ? null : new WorkloadCsvWriter(workloadOut, keys, model.regionLabels());
    try (TraceReader reader = new TraceReader(in, source, keys, model.regionLabels(), strict)) {
      List<Future<?>> pending = List.of();
      int cur = 0;
      while (reader.next(raw[cur])) {
        RequestBatch batch = raw[cur];
        if (reader.format() == TraceReader.Format.IBM) {
          gen.assign(raw[cur], assigned[cur]);
          batch = assigned[cur];
        }
        if (first == Long.MIN_VALUE) {
          first = batch.timestampMs[0];
          for (Policy policy : policies) {
            sims.add(Simulator.of(policy, model, first));
          }
        }
        for (int i = 0; i < batch.size(); i++) {
          end = Math.max(end, batch.timestampMs[i]);
        }
        if (csv != null) {
          csv.write(batch);
        }
        await(pending);
        RequestBatch b = batch;
        List<Future<?>> submitted = new ArrayList<>(sims.size());
        for (Simulator s : sims) {
          submitted.add(pool.submit(() -> s.process(b)));
        }
        pending = submitted;
        requests += batch.size();
        if (progress != null) {
          progress.requests(requests);
        }
        cur ^= 1;
      }
      await(pending);
      if (sims.isEmpty()) {
        first = 0;
        end = 0;
        for (Policy policy : policies) {
          sims.add(Simulator.of(policy, model, 0));
        }
      }
      List<PolicyResult> results = new ArrayList<>();
      for (Simulator s : sims) {
        s.finish(end);
        results.add(s.result());
      }
      return new Outcome(
          results,
          reader.report(),
          requests,
          keys.size(),
          first,
          end,
          (System.nanoTime() - started) / 1e9);
    } finally {
      pool.shutdownNow();
      if (csv != null) {
        csv.close();
      }
    }
  }

  private static void await(List<Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("replay interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /**
   * Writes the workload of an IBM trace (or copies a workload CSV) without replaying it.
   *
   * @return what the reader saw
   */
  public static ParseReport workload(
      Path trace, List<String> regions, WorkloadType type, long seed, boolean strict, Path out) {
    KeyInterner keys = new KeyInterner();
    WorkloadGenerator gen = new WorkloadGenerator(type, seed, regions.size());
    RequestBatch raw = new RequestBatch(BATCH);
    RequestBatch assigned = new RequestBatch(2 * BATCH);
    try (TraceReader reader = TraceReader.open(trace, keys, regions, strict);
        WorkloadCsvWriter csv = new WorkloadCsvWriter(Files.newOutputStream(out), keys, regions)) {
      while (reader.next(raw)) {
        if (reader.format() == TraceReader.Format.IBM) {
          gen.assign(raw, assigned);
          csv.write(assigned);
        } else {
          csv.write(raw);
        }
      }
      return reader.report();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }
}
