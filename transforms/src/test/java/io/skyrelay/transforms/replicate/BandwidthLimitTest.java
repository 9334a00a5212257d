package io.skyrelay.transforms.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.skyrelay.connectors.ThrottledObjectStore.Rate;
import org.junit.jupiter.api.Test;

/** The share of a job's rate that one JVM's bucket gets. */
class BandwidthLimitTest {

  @Test
  void aJvmGetsTheShareOfTheCopySubtasksItRuns() {
    BandwidthLimit limit = BandwidthLimit.of(4000, 4);
    Object a = new Object();
    Object b = new Object();
    Rate rate = limit.join("CopyWhole", a);
    assertEquals(1000, rate.bytesPerSecond(), 1e-6);
    assertSame(rate, limit.join("CopyWhole", b));
    assertEquals(2000, rate.bytesPerSecond(), 1e-6);
    // the same subtask again, and another step with fewer subtasks here, change nothing
    limit.join("CopyWhole", a);
    limit.join("CopyChunk", new Object());
    assertEquals(2000, rate.bytesPerSecond(), 1e-6);
    for (int i = 0; i < 5; i++) {
      limit.join("CopyChunk", new Object());
    }
    assertEquals(4000, rate.bytesPerSecond(), 1e-6, "never more than the job's rate");
  }

  @Test
  void aJobInOneJvmGivesItTheWholeRate() {
    assertEquals(
        2500, BandwidthLimit.of(2500, 0).join("CopyWhole", new Object()).bytesPerSecond(), 1e-6);
  }

  @Test
  void twoJobsHaveTwoBuckets() {
    Object worker = new Object();
    Rate one = BandwidthLimit.of(1000, 0).join("CopyWhole", worker);
    Rate two = BandwidthLimit.of(3000, 0).join("CopyWhole", worker);
    assertEquals(1000, one.bytesPerSecond(), 1e-6);
    assertEquals(3000, two.bytesPerSecond(), 1e-6);
  }
}
