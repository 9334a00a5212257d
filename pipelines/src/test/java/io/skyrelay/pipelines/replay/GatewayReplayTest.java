package io.skyrelay.pipelines.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.pipelines.replay.GatewayReplay.PolicyOutcome;
import io.skyrelay.replay.workload.WorkloadType;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small IBM trace (the trace-replay tests' sample: 2.4 hours, GETs, HEADs, PUTs, COPYs, PARTs and
 * DELETEs of about a hundred objects) replayed through live gateways over three regions priced as
 * AWS us-east-1, Azure West Europe and GCP us-central1: per policy, the cost the gateway's metrics
 * counted equals the simulator's prediction, kind by kind, once the differences the replay explains
 * are taken out.
 */
class GatewayReplayTest {

  /** Residual allowed per kind, relative to the prediction: the sums differ only by rounding. */
  private static final double TOLERANCE = 0.001;

  @TempDir Path tmp;

  private static Path trace() throws URISyntaxException {
    return Path.of(GatewayReplayTest.class.getResource("sample-ibm-trace.txt").toURI());
  }

  private GatewayConfig deployment() {
    List<RegionConfig> regions =
        List.of(
            region("aws:us-east-1", "east"),
            region("azure:westeurope", "europe"),
            region("gcp:us-central1-a", "central"));
    return new GatewayConfig(
        tmp.resolve("unused").toString(),
        regions,
        List.of(),
        "replicate-all",
        List.of(new AccessKey("REPLAYTESTKEY", "replay-test-secret-9Hk2")));
  }

  private RegionConfig region(String label, String folder) {
    return new RegionConfig(
        label, "127.0.0.1", 0, tmp.resolve(folder).toUri().toString(), Map.of());
  }

  @Test
  void measuredCostsEqualTheSimulatorsOnceExplainedPerPolicy() throws Exception {
    List<String> policies =
        List.of("replicate-all", "pull-keep", "pull-evict", "ttl:10m", "single");
    GatewayReplay replay = new GatewayReplay(deployment(), tmp.resolve("work"));
    GatewayReplay.Report report =
        replay.run(
            trace(),
            WorkloadType.A,
            7,
            policies,
            new GatewayReplay.Settings(100_000, 64 * 1024, 1_000, Duration.ofSeconds(30)));
    String table = report.describe();
    System.out.println(table); // the docs show a run's table

    assertEquals(policies.size(), report.outcomes().size());
    assertTrue(report.requests() > 300, table);
    for (PolicyOutcome o : report.outcomes()) {
      assertTrue(o.agrees(TOLERANCE), o.policy() + " residual " + o.residual() + "\n" + table);
      assertEquals(o.predictedReads(), o.measuredReads(), o.policy() + " reads\n" + table);
      assertEquals(o.predictedHits(), o.measuredHits(), o.policy() + " hits\n" + table);
      assertTrue(o.predicted().storageUsd() > 0, o.policy() + " stores\n" + table);
      assertTrue(o.predicted().requestUsd() > 0, o.policy() + " requests\n" + table);
    }
    PolicyOutcome all = outcome(report, "replicate-all");
    PolicyOutcome keep = outcome(report, "pull-keep");
    PolicyOutcome evict = outcome(report, "pull-evict");
    PolicyOutcome ttl = outcome(report, "ttl:10m");
    PolicyOutcome single = outcome(report, "single");
    // The policies differ, and the measurements with them.
    assertEquals(all.measuredReads(), all.measuredHits(), "replicate-all: every read a hit");
    assertTrue(keep.measuredHits() > evict.measuredHits(), table);
    assertTrue(
        ttl.measured().storageUsd() < keep.measured().storageUsd(),
        "ttl:10m evicts what pull-keep keeps\n" + table);
    assertTrue(ttl.measured().egressUsd() > keep.measured().egressUsd(), table);
    assertTrue(keep.measured().egressUsd() > 0, table);
    // Differences explained: HEADs of copies in another region; single's writes stored elsewhere.
    assertTrue(evict.headsElsewhere() > 0, table);
    assertTrue(evict.explained().requestUsd() != 0, table);
    assertTrue(single.writesElsewhere() > 0, table);
    assertTrue(single.explained().egressUsd() < 0, "single's uploads cross regions\n" + table);
    assertEquals(0, all.writesElsewhere());
  }

  private static PolicyOutcome outcome(GatewayReplay.Report r, String policy) {
    return r.outcomes().stream().filter(o -> o.policy().equals(policy)).findFirst().orElseThrow();
  }
}
