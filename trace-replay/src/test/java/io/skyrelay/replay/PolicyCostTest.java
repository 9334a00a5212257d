package io.skyrelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skyrelay.replay.sim.PolicyResult;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import io.skyrelay.transforms.regions.RegionData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Costs worked out by hand from the bundled prices, for two regions A = aws:us-east-1 and Z =
 * azure:westeurope and objects of exactly 1 GB (10^9 bytes), times in hours.
 */
class PolicyCostTest {

  static final CostModel MODEL =
      new CostModel(RegionData.bundled(), List.of("aws:us-east-1", "azure:westeurope"));

  // Storage per GB-hour, egress per GB, request prices.
  static final double SA = 0.023 / 730;
  static final double SZ = 0.0196 / 730;
  static final double EAZ = 0.09;
  static final double EZA = 0.0875;
  static final double PA = 5e-6;
  static final double GA = 4e-7;
  static final double PZ = 5.4e-6;
  static final double GZ = 4.3e-7;
  static final long H = 3_600_000;
  static final String A = "aws:us-east-1";
  static final String Z = "azure:westeurope";

  static Map<String, PolicyResult> replay(String policies, String... rows) {
    StringBuilder csv = new StringBuilder(TraceReader.CSV_HEADER).append('\n');
    for (String r : rows) {
      csv.append(r).append('\n');
    }
    TraceReplay.Outcome o =
        TraceReplay.run(
            new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
            "test",
            MODEL,
            Policy.parseList(policies, MODEL),
            WorkloadType.A,
            0,
            true,
            null,
            null);
    Map<String, PolicyResult> byName = new LinkedHashMap<>();
    for (PolicyResult r : o.results()) {
      byName.put(r.policy(), r);
    }
    return byName;
  }

  static void assertCost(double expected, PolicyResult r) {
    assertEquals(expected, r.totalUsd(), 1e-12, r.policy());
  }

  @Test
  void oneObjectWrittenInAReadTwiceInZThenInA() {
    Map<String, PolicyResult> r =
        replay(
            "single:"
                + A
                + ",single:"
                + Z
                + ",replicate-all,push:"
                + Z
                + ",pull-keep,pull-evict,ttl:1h,ttl:2h,break-even,adaptive,lru:2GB,lru:500MB,optimum",
            "0,PUT," + A + ",a,1000000000",
            H + ",GET," + Z + ",a,1000000000",
            3 * H + ",GET," + Z + ",a,1000000000",
            10 * H + ",GET," + A + ",a,1000000000");
    double singleA = PA + 10 * SA + 2 * (GA + EAZ) + GA;
    assertCost(singleA, r.get("single:" + A));
    assertCost(EAZ + PZ + 10 * SZ + 2 * GZ + GZ + EZA, r.get("single:" + Z));
    double all = PA + GA + EAZ + PZ + 10 * SA + 10 * SZ + 2 * GZ + GA;
    assertCost(all, r.get("replicate-all"));
    assertCost(all, r.get("push:" + Z));
    double keep = PA + 10 * SA + GA + EAZ + PZ + 9 * SZ + GZ + GA;
    assertCost(keep, r.get("pull-keep"));
    assertCost(singleA, r.get("pull-evict"));
    assertCost(PA + 10 * SA + 2 * (GA + EAZ + PZ) + 2 * SZ + GA, r.get("ttl:1h"));
    // The read at 3h finds the 2h replica alive at its last instant and restarts its clock.
    assertCost(PA + 10 * SA + GA + EAZ + PZ + 4 * SZ + GZ + GA, r.get("ttl:2h"));
    // Break-even for A->Z is 0.09 / (0.0196 / 730) = 3352 hours: kept to the end.
    assertCost(keep, r.get("break-even"));
    assertCost(keep, r.get("adaptive"));
    assertCost(keep, r.get("lru:2GB"));
    assertCost(singleA, r.get("lru:500MB"));
    assertCost(PA + 10 * SA + GA + GA + EAZ + PZ + 2 * SZ + GZ, r.get("optimum"));

    PolicyResult k = r.get("pull-keep");
    assertEquals(10 * SA + 9 * SZ, k.storageUsd(), 1e-12);
    assertEquals(EAZ, k.networkUsd(), 1e-12);
    assertEquals(PA + GA + PZ + GZ + GA, k.requestUsd(), 1e-15);
    assertEquals(3, k.reads());
    assertEquals(2, k.hits());
    double miss = 80.43 + 8e9 / 4.213e9 * 1000;
    double local = CostModel.LOCAL_RTT_MS + 8e9 / (CostModel.LOCAL_GBPS * 1e9) * 1000;
    assertEquals((miss + 2 * local) / 3, k.meanLatencyMs(), 1e-9);
    assertEquals(miss, k.p99LatencyMs(), miss * 0.01);
    assertEquals(1000000000L, k.egressBytes());
    PolicyResult opt = r.get("optimum");
    assertEquals(10 * SA + 2 * SZ, opt.storageUsd(), 1e-12);
    assertEquals(EAZ, opt.networkUsd(), 1e-12);
  }

  @Test
  void overwritesHeadsDeletesMissingObjectsAndParts() {
    Map<String, PolicyResult> r =
        replay(
            "pull-keep,single:" + A + ",optimum",
            "0,PUT," + A + ",k,1000000000",
            H + ",GET," + Z + ",k,1000000000",
            2 * H + ",PUT," + A + ",k,2000000000",
            3 * H + ",HEAD," + Z + ",k,2000000000",
            4 * H + ",DELETE," + A + ",k,0",
            5 * H + ",GET," + Z + ",k,0",
            6 * H + ",PART," + Z + ",k2,1000000000");
    assertCost(2 * PA + 6 * SA + GA + EAZ + PZ + SZ + 2 * GZ + PZ, r.get("pull-keep"));
    assertCost(PA + 2 * SA + GA + EAZ + PA + 4 * SA + GZ + GZ + EZA + PA, r.get("single:" + A));
    // The optimum writes the first version straight to Z (egress 0.09, cheaper storage, the read
    // there is local) and keeps the second in A.
    assertCost(PZ + EAZ + 2 * SZ + GZ + PA + 4 * SA + 2 * GZ + PZ, r.get("optimum"));
    PolicyResult k = r.get("pull-keep");
    assertEquals(1, k.reads());
    assertEquals(0, k.hits());
    assertEquals(1, k.notFound());
  }

  @Test
  void lruEvictsTheLeastRecentlyRead() {
    Map<String, PolicyResult> r =
        replay(
            "lru:1.5GB",
            "0,PUT," + A + ",a,1000000000",
            "0,PUT," + A + ",b,1000000000",
            H + ",GET," + Z + ",a,1000000000",
            2 * H + ",GET," + Z + ",b,1000000000",
            3 * H + ",GET," + Z + ",a,1000000000",
            4 * H + ",GET," + Z + ",a,1000000000");
    assertCost(2 * PA + 8 * SA + 3 * (GA + EAZ + PZ) + 3 * SZ + GZ, r.get("lru:1.5GB"));
    assertEquals(1, r.get("lru:1.5GB").hits());
  }
}
