package io.skyrelay.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

  static final AtomicInteger STORED = new AtomicInteger();

  /** Keeps 6 MiB of state for its key, and counts how often it had to store it. */
  static final class BigState extends DoFn<KV<String, Long>, Void> {
    @StateId("blob")
    private final StateSpec<ValueState<byte[]>> blob = StateSpecs.value(ByteArrayCoder.of());

    @ProcessElement
    public void process(@StateId("blob") ValueState<byte[]> state) {
      if (state.read() == null) {
        state.write(new byte[6 << 20]);
        STORED.incrementAndGet();
      }
    }
  }

  @Test
  void anEmbeddedStreamingJobCheckpointsStateLargerThanTheJobManagersMemoryLimit()
      throws Exception {
    RunnerOptions runner = new RunnerOptions();
    runner.parallelism = 1;
    Pipeline p = Pipeline.create(runner.streamingOptions("big-state", 2_000));
    p.apply(GenerateSequence.from(0).withRate(20, Duration.standardSeconds(1)))
        .apply(WithKeys.of("one"))
        .apply(ParDo.of(new BigState()));
    PipelineResult job = p.run();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (STORED.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(STORED.get() > 0, "the job never stored its state");
      // Checkpoints of 6 MiB every 2 s. Kept in the JobManager's memory (limit 5 MiB) each one
      // fails, the job restarts from before the state existed, and the function stores it again,
      // so the count keeps growing. The test's counting source may cost one restart of its own
      // at the start (it declines a checkpoint taken before its first element, "cannot encode a
      // null Instant"; on a loaded machine that can happen), so the count may settle at 2, but
      // it must settle.
      Thread.sleep(7_000);
      int settled = STORED.get();
      Thread.sleep(6_000);
      assertEquals(
          settled,
          STORED.get(),
          "the state was lost and written again: checkpoints of large state failed"
              + " on the embedded cluster");
      assertTrue(settled <= 2, "the state was stored " + settled + " times");
    } finally {
      job.cancel();
    }
  }
}
