package io.skyrelay.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skyrelay.transforms.replicate.ReplicationProgress;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private static final long MIB = 1 << 20;

  @Test
  void whileShardsAreListedTheLineSaysSoAndPromisesNoEta() {
    // 100 of 400 planned MiB done in 10 s, 12 of 50 shards listed: the plan can still grow
    var s = new ReplicationProgress.Snapshot(400, 400 * MIB, 100, 100 * MIB, 0, 0, 50, 12);
    assertEquals(
        "[######..................]  25% 100/400 objects  100.0 MiB/400.0 MiB  10.0 MiB/s  ETA --"
            + "  listing 12/50 shards",
        ProgressBar.replicationLine(s, 10));
  }

  @Test
  void onceEverythingIsListedTheEtaCountsTheRest() {
    var s = new ReplicationProgress.Snapshot(400, 400 * MIB, 100, 100 * MIB, 2, 0, 50, 50);
    assertEquals(
        "[######..................]  25% 100/400 objects  100.0 MiB/400.0 MiB  10.0 MiB/s"
            + "  ETA 0m30s  failed 2",
        ProgressBar.replicationLine(s, 10));
  }
}
