package io.skyrelay.replay.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.replay.TraceReplay;
import io.skyrelay.replay.sim.PolicyResult;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import io.skyrelay.transforms.regions.RegionData;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Beam replay gives the in-process replay's numbers on the same input. */
@ExtendWith(TestPipelineExtension.class)
class BeamReplayTest {

  static final List<String> REGIONS =
      List.of("aws:us-east-1", "azure:westeurope", "gcp:us-central1-a");
  static final CostModel MODEL = new CostModel(RegionData.bundled(), REGIONS);
  static final String POLICIES =
      "single,single:gcp:us-central1-a,replicate-all,push:azure:westeurope,pull-keep,pull-evict,"
          + "ttl:10m,ttl:2h,break-even,optimum";

  @TempDir Path dir;

  /** What the comparison needs of a result, serializable into the assertion. */
  record Numbers(
      double storage,
      double network,
      double requests,
      long requestCount,
      long reads,
      long hits,
      long notFound,
      long egress,
      double mean,
      double p99,
      double costAtEnd)
      implements Serializable {

    static Numbers of(PolicyResult r) {
      double[] series = r.cumulativeCostPerMinute();
      return new Numbers(
          r.storageUsd(),
          r.networkUsd(),
          r.requestUsd(),
          r.requests(),
          r.reads(),
          r.hits(),
          r.notFound(),
          r.egressBytes(),
          r.meanLatencyMs(),
          r.p99LatencyMs(),
          series.length == 0 ? 0 : series[series.length - 1]);
    }

    void assertSame(Numbers o, String what) {
      close(storage, o.storage, what + " storage");
      close(network, o.network, what + " network");
      close(requests, o.requests, what + " requests");
      close(costAtEnd, o.costAtEnd, what + " series");
      assertEquals(requestCount, o.requestCount, what);
      assertEquals(reads, o.reads, what);
      assertEquals(hits, o.hits, what);
      assertEquals(notFound, o.notFound, what);
      assertEquals(egress, o.egress, what);
      close(mean, o.mean, what + " mean latency");
      assertEquals(p99, o.p99, 0, what + " p99");
    }

    static void close(double a, double b, String what) {
      if (Double.isNaN(a) || Double.isNaN(b)) {
        assertEquals(Double.isNaN(a), Double.isNaN(b), what);
        return;
      }
      assertEquals(a, b, 1e-9 * Math.max(1e-9, Math.abs(a)), what);
    }
  }

  Path sample() throws IOException {
    Path p = dir.resolve("trace.txt");
    try (InputStream in = BeamReplayTest.class.getResourceAsStream("/sample-ibm-trace.txt")) {
      Files.copy(in, p);
    }
    return p;
  }

  void assertSameAsInProcess(TestPipeline p, Path trace, WorkloadType type, long seed) {
    List<Policy> policies = Policy.parseList(POLICIES, MODEL);
    TraceReplay.Outcome expected =
        TraceReplay.run(trace, MODEL, policies, type, seed, false, null, null);
    Map<String, Numbers> want = new HashMap<>();
    for (PolicyResult r : expected.results()) {
      want.put(r.policy(), Numbers.of(r));
    }
    assertTrue(want.get("pull-keep").reads() > 100, "the trace has reads");
    PCollection<KV<String, PolicyResult>> got =
        BeamReplay.expand(p, List.of(trace.toString()), MODEL, policies, type, seed, false);
    PAssert.that(got)
        .satisfies(
            results -> {
              Map<String, Numbers> seen = new HashMap<>();
              for (KV<String, PolicyResult> kv : results) {
                seen.put(kv.getKey(), Numbers.of(kv.getValue()));
              }
              assertEquals(want.keySet(), seen.keySet());
              want.forEach((name, n) -> n.assertSame(seen.get(name), name));
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void sameNumbersAsInProcessOnAnIbmTrace(TestPipeline p) throws IOException {
    assertSameAsInProcess(p, sample(), WorkloadType.E, 5);
  }

  @Test
  void sameNumbersAsInProcessOnAWorkloadCsv(TestPipeline p) throws IOException {
    Path csv = dir.resolve("workload.csv");
    TraceReplay.workload(sample(), REGIONS, WorkloadType.A, 9, false, csv);
    assertSameAsInProcess(p, csv, WorkloadType.A, 0);
  }

  @Test
  void refusesPoliciesThatCoupleObjects() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BeamReplay.checkPolicies(Policy.parseList("pull-keep,lru:1GB", MODEL)));
    assertThrows(
        IllegalArgumentException.class,
        () -> BeamReplay.checkPolicies(Policy.parseList("adaptive", MODEL)));
  }
}
