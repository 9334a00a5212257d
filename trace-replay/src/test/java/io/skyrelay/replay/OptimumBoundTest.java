package io.skyrelay.replay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.replay.sim.PolicyResult;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import io.skyrelay.transforms.regions.RegionData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The offline optimum is never above any policy, on randomized traces. */
class OptimumBoundTest {

  static final List<List<String>> REGION_SETS =
      List.of(
          List.of("aws:us-east-1", "azure:westeurope"),
          List.of("aws:us-east-1", "aws:eu-west-1", "gcp:us-central1-a"),
          List.of("aws:ap-northeast-1", "azure:westeurope", "gcp:us-central1-a", "aws:us-west-2"));

  static final RegionData DATA = RegionData.bundled();

  static final String[] OPS = {"PUT", "GET", "GET", "GET", "GET", "HEAD", "DELETE", "PART"};

  static List<String> policies(CostModel model) {
    List<String> p = new ArrayList<>(Policy.all(model));
    for (String r : model.regionLabels()) {
      p.add("single:" + r);
      p.add("push:" + r);
    }
    p.add("push:" + model.region(0) + "+" + model.region(1));
    p.addAll(List.of("ttl:0ms", "ttl:1s", "ttl:10m", "ttl:6h", "ttl:30d", "lru:1", "lru:50MB"));
    p.addAll(List.of("lru:5GB", "lru:1TB"));
    return p;
  }

  static String randomTrace(Random rnd, List<String> regions) {
    StringBuilder sb = new StringBuilder(TraceReader.CSV_HEADER).append('\n');
    int objects = 1 + rnd.nextInt(12);
    long[] sizes = new long[objects];
    for (int i = 0; i < objects; i++) {
      sizes[i] = (long) Math.pow(10, 3 + rnd.nextDouble() * 7);
    }
    long t = rnd.nextInt(1000);
    int requests = 1 + rnd.nextInt(300);
    double gapScale = Math.pow(10, 1 + rnd.nextInt(8)); // 10 ms to about a day
    for (int i = 0; i < requests; i++) {
      t += (long) (rnd.nextDouble() * gapScale) * (rnd.nextInt(10) == 0 ? 0 : 1);
      int o = rnd.nextInt(objects);
      String op = OPS[rnd.nextInt(OPS.length)];
      if (rnd.nextInt(20) == 0) {
        sizes[o] = (long) Math.pow(10, 3 + rnd.nextDouble() * 7);
      }
      sb.append(t)
          .append(',')
          .append(op)
          .append(',')
          .append(regions.get(rnd.nextInt(regions.size())))
          .append(",obj")
          .append(o)
          .append(',')
          .append(sizes[o])
          .append('\n');
    }
    return sb.toString();
  }

  @Test
  void optimumIsNeverAboveAnyPolicyOnRandomTraces() {
    Random rnd = new Random(20261130);
    for (int trial = 0; trial < 300; trial++) {
      List<String> regions = REGION_SETS.get(trial % REGION_SETS.size());
      CostModel model = new CostModel(DATA, regions);
      String trace = randomTrace(rnd, regions);
      check(model, trace.getBytes(StandardCharsets.UTF_8), WorkloadType.A, "trial " + trial);
    }
  }

  @Test
  void optimumIsNeverAboveAnyPolicyOnTheSampleTraceUnderEveryWorkload() throws Exception {
    byte[] sample = TraceReaderTest.sample();
    for (List<String> regions : REGION_SETS) {
      CostModel model = new CostModel(DATA, regions);
      for (WorkloadType type : WorkloadType.values()) {
        for (long seed = 0; seed < 3; seed++) {
          check(model, sample, type, type + " seed " + seed + " " + regions);
        }
      }
    }
  }

  static void check(CostModel model, byte[] trace, WorkloadType type, String what) {
    TraceReplay.Outcome o =
        TraceReplay.run(
            new ByteArrayInputStream(trace),
            what,
            model,
            Policy.parseList(String.join(",", policies(model)), model),
            type,
            1,
            false,
            null,
            null);
    PolicyResult opt =
        o.results().stream().filter(r -> r.kind() == Policy.Kind.OPTIMUM).findFirst().get();
    for (PolicyResult r : o.results()) {
      assertTrue(
          opt.totalUsd() <= r.totalUsd() * (1 + 1e-9) + 1e-15,
          what + ": optimum " + opt.totalUsd() + " above " + r.policy() + " " + r.totalUsd());
    }
  }
}
