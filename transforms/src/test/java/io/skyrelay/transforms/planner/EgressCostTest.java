package io.skyrelay.transforms.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skyrelay.transforms.regions.RegionData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressCostTest {

  @TempDir Path tmp;

  /**
   * Three regions whose hops all have different prices: x:a -> x:b 0.5, a -> r 0.02, r -> b 0.03.
   */
  RegionData threeRegions() throws Exception {
    Files.writeString(
        tmp.resolve("egress.csv"),
        "src,dst,usd_per_gb\nx:a,x:b,0.5\nx:a,x:r,0.02\nx:r,x:b,0.03\nx:r,x:s,0.07\nx:s,x:b,0.11\n");
    Files.writeString(
        tmp.resolve("throughput.csv"),
        "src,dst,gbps\nx:a,x:b,1\nx:a,x:r,5\nx:r,x:b,5\nx:r,x:s,5\nx:s,x:b,5\n");
    return RegionData.fromDirectory(tmp);
  }

  @Test
  void aPathPaysEachOfItsHops() throws Exception {
    EgressCost cost = new EgressCost(threeRegions());
    assertEquals(0.5, cost.usdPerGb(List.of("x:a", "x:b")), 1e-12);
    assertEquals(0.05, cost.usdPerGb("x:a", List.of("x:r"), "x:b"), 1e-12);
    assertEquals(0.02 + 0.07 + 0.11, cost.usdPerGb("x:a", List.of("x:r", "x:s"), "x:b"), 1e-12);
  }

  @Test
  void bytesArePricedOnTheRouteTheyTook() throws Exception {
    EgressCost cost = new EgressCost(threeRegions());
    Map<List<String>, Long> routes = new LinkedHashMap<>();
    routes.put(List.of(), 2_000_000_000L);
    routes.put(List.of("x:r"), 10_000_000_000L);
    routes.put(List.of("x:r", "x:s"), 1_000_000_000L);
    assertEquals(2 * 0.5 + 10 * 0.05 + 1 * 0.2, cost.usd("x:a", "x:b", routes), 1e-9);
  }

  @Test
  void aRouteThatCarriedNothingCostsNothingButAnUnpricedOneThatDidFails() throws Exception {
    EgressCost cost = new EgressCost(threeRegions());
    assertEquals(0, cost.usd("x:a", "x:b", Map.of(List.of("x:unknown"), 0L)));
    assertThrows(
        IllegalArgumentException.class,
        () -> cost.usd("x:a", "x:b", Map.of(List.of("x:unknown"), 1L)));
  }

  @Test
  void thePlannerPricesItsPathsTheSameWay() throws Exception {
    RegionData data = RegionData.bundled();
    EgressCost cost = new EgressCost(data);
    Plan plan =
        new RoutePlanner(data).plan("aws:us-west-2", "gcp:asia-south2-a", Objective.fastest());
    double weighted = 0;
    for (Plan.Path p : plan.paths()) {
      assertEquals(cost.usdPerGb(p.regions()), p.usdPerGb(), 1e-12, p.regions().toString());
      weighted += p.share() * p.usdPerGb();
    }
    assertEquals(weighted, plan.usdPerGb(), 1e-12);
    assertEquals(
        cost.usdPerGb(List.of("aws:us-west-2", "gcp:asia-south2-a")), plan.direct().usdPerGb());
  }
}
