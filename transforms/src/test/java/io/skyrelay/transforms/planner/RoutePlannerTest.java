package io.skyrelay.transforms.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.transforms.regions.RegionData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Properties of plans over a sample of the grid's pairs, and known cases. */
class RoutePlannerTest {

  static final double TOLERANCE = 1e-5;

  static RegionData data;
  static RoutePlanner planner;
  static List<String[]> pairs;

  @BeforeAll
  static void load() {
    data = RegionData.bundled();
    planner = new RoutePlanner(data);
    List<String> regions = new ArrayList<>(data.regions());
    assertEquals(71, regions.size());
    Random r = new Random(42);
    pairs = new ArrayList<>();
    while (pairs.size() < 30) {
      String s = regions.get(r.nextInt(regions.size()));
      String d = regions.get(r.nextInt(regions.size()));
      if (!s.equals(d)) {
        pairs.add(new String[] {s, d});
      }
    }
  }

  static List<Objective> objectives() {
    return List.of(
        Objective.direct(),
        Objective.cheapest(),
        Objective.fastest(),
        Objective.cheapestWithFloor(2),
        Objective.fastestWithCeiling(0.12));
  }

  static final Map<String, List<Plan>> PLANS = new HashMap<>();

  /** Plans for a pair, skipping bounded objectives that the pair cannot meet. */
  static List<Plan> plans(String s, String d) {
    return PLANS.computeIfAbsent(s + ">" + d, k -> solve(s, d));
  }

  static List<Plan> solve(String s, String d) {
    List<Plan> out = new ArrayList<>();
    for (Objective o : objectives()) {
      try {
        out.add(planner.plan(s, d, o));
      } catch (IllegalArgumentException unreachable) {
        assertTrue(
            o.kind() == Objective.Kind.CHEAPEST_WITH_FLOOR
                || o.kind() == Objective.Kind.FASTEST_WITH_CEILING,
            unreachable.getMessage());
      }
    }
    return out;
  }

  @Test
  void flowIsConservedAndPathsAreWellFormed() {
    for (String[] p : pairs) {
      for (Plan plan : plans(p[0], p[1])) {
        double shares = plan.paths().stream().mapToDouble(Plan.Path::share).sum();
        double gbps = plan.paths().stream().mapToDouble(Plan.Path::gbps).sum();
        assertEquals(1, shares, 1e-9, plan.toString());
        assertEquals(plan.gbps(), gbps, 1e-9 * plan.gbps());
        assertTrue(plan.gbps() > 0);
        for (Plan.Path path : plan.paths()) {
          assertEquals(p[0], path.regions().get(0));
          assertEquals(p[1], path.regions().get(path.regions().size() - 1));
          assertTrue(path.relays().size() <= 2, path.label());
          assertEquals(path.regions().size(), new HashSet<>(path.regions()).size(), path.label());
          assertEquals(path.share() * plan.gbps(), path.gbps(), 1e-9 * plan.gbps());
          double cost = 0;
          for (int h = 0; h + 1 < path.regions().size(); h++) {
            cost += data.egressUsdPerGb(path.regions().get(h), path.regions().get(h + 1));
          }
          assertEquals(cost, path.usdPerGb(), 1e-12);
        }
        double weighted = plan.paths().stream().mapToDouble(x -> x.share() * x.usdPerGb()).sum();
        assertEquals(weighted, plan.usdPerGb(), 1e-9);
      }
    }
  }

  @Test
  void capsAndConnectionLimitsAreRespected() {
    PlannerSettings s = planner.settings();
    for (String[] p : pairs) {
      for (Plan plan : plans(p[0], p[1])) {
        Map<String, Double> egress = new HashMap<>();
        Map<String, Double> ingress = new HashMap<>();
        Map<String, Double> connOut = new HashMap<>();
        Map<String, Double> connIn = new HashMap<>();
        for (Plan.Path path : plan.paths()) {
          for (int h = 0; h + 1 < path.regions().size(); h++) {
            String a = path.regions().get(h);
            String b = path.regions().get(h + 1);
            double conns = path.gbps() / (data.throughputGbps(a, b) / s.measuredConnections());
            egress.merge(a, path.gbps(), Double::sum);
            ingress.merge(b, path.gbps(), Double::sum);
            connOut.merge(a, conns, Double::sum);
            connIn.merge(b, conns, Double::sum);
            assertTrue(
                path.connections().get(h) >= conns - TOLERANCE, "whole connections cover a hop");
          }
        }
        for (String r : plan.workers().keySet()) {
          int w = plan.workers().get(r);
          assertTrue(w >= 1 && w <= s.maxWorkersPerRegion(), r + " has " + w + " workers");
        }
        for (String r : egress.keySet()) {
          int w = plan.workers().getOrDefault(r, 0);
          double slack = 1 + TOLERANCE;
          assertTrue(egress.get(r) <= s.egressCap(r) * w * slack, r + " egress " + plan);
          assertTrue(connOut.get(r) <= s.connectionsPerWorker() * w * slack, r + " connections");
        }
        for (String r : ingress.keySet()) {
          int w = plan.workers().getOrDefault(r, 0);
          double slack = 1 + TOLERANCE;
          assertTrue(ingress.get(r) <= s.ingressCap(r) * w * slack, r + " ingress " + plan);
          assertTrue(connIn.get(r) <= s.connectionsPerWorker() * w * slack, r + " connections");
        }
      }
    }
  }

  @Test
  void cheapestNeverCostsMoreThanDirectAndFastestIsNeverSlower() {
    for (String[] p : pairs) {
      Plan cheapest = planner.plan(p[0], p[1], Objective.cheapest());
      Plan fastest = planner.plan(p[0], p[1], Objective.fastest());
      Plan direct = planner.plan(p[0], p[1], Objective.direct());
      assertTrue(cheapest.usdPerGb() <= direct.usdPerGb(), cheapest.toString());
      assertTrue(fastest.gbps() >= direct.gbps() * (1 - TOLERANCE), fastest.toString());
      assertTrue(fastest.gbps() >= cheapest.gbps() * (1 - TOLERANCE));
      assertEquals(direct.direct().gbps(), direct.gbps(), direct.gbps() * TOLERANCE);
      assertEquals(List.of(p[0], p[1]), direct.paths().get(0).regions());
      assertEquals(1, direct.paths().size());
    }
  }

  @Test
  void boundedObjectivesMeetTheirBoundOrSayWhatIsReachable() {
    for (String[] p : pairs) {
      Plan fastest = planner.plan(p[0], p[1], Objective.fastest());
      Plan cheapest = planner.plan(p[0], p[1], Objective.cheapest());
      double floor = (cheapest.gbps() + fastest.gbps()) / 2;
      Plan atFloor = planner.plan(p[0], p[1], Objective.cheapestWithFloor(floor));
      assertTrue(atFloor.gbps() >= floor * (1 - TOLERANCE), atFloor.toString());
      assertTrue(
          atFloor.usdPerGb() <= fastest.usdPerGb() * (1 + TOLERANCE),
          atFloor + " costs more than " + fastest);
      assertTrue(atFloor.usdPerGb() >= cheapest.usdPerGb() * (1 - TOLERANCE));
      double ceiling = (cheapest.usdPerGb() + fastest.usdPerGb()) / 2;
      Plan belowCeiling = planner.plan(p[0], p[1], Objective.fastestWithCeiling(ceiling));
      assertTrue(belowCeiling.usdPerGb() <= ceiling * (1 + TOLERANCE), belowCeiling.toString());
      assertTrue(belowCeiling.gbps() >= cheapest.gbps() * (1 - TOLERANCE));
    }
    String[] p = pairs.get(0);
    IllegalArgumentException tooFast =
        assertThrows(
            IllegalArgumentException.class,
            () -> planner.plan(p[0], p[1], Objective.cheapestWithFloor(1000)));
    assertTrue(tooFast.getMessage().contains("the fastest reaches"), tooFast.getMessage());
    IllegalArgumentException tooCheap =
        assertThrows(
            IllegalArgumentException.class,
            () -> planner.plan(p[0], p[1], Objective.fastestWithCeiling(0.0001)));
    assertTrue(tooCheap.getMessage().contains("the cheapest costs"), tooCheap.getMessage());
  }

  @Test
  void knownCasesFromTheGrid() {
    // The slowest direct link of the grid (0.095 Gbps); relays through Azure's us-west reach the
    // AWS worker's egress cap.
    Plan slow = planner.plan("aws:us-west-2", "gcp:asia-south2-a", Objective.fastest());
    assertEquals(0.095, slow.direct().gbps(), 1e-9);
    assertTrue(slow.speedup() > 40, slow.toString());
    assertTrue(slow.paths().stream().noneMatch(Plan.Path::isDirect), slow.toString());
    // Within GCP the direct link already runs at the worker's 7 Gbps egress cap: direct is best.
    Plan capped = planner.plan("gcp:us-central1-a", "gcp:us-east1-b", Objective.fastest());
    assertEquals(1, capped.paths().size());
    assertTrue(capped.paths().get(0).isDirect());
    assertEquals(7.0, capped.gbps(), 1e-5);
    // The cheapest way between two AWS regions is the direct one at the inter-region price.
    Plan cheap = planner.plan("aws:us-east-1", "aws:us-east-2", Objective.cheapest());
    assertEquals(0.01, cheap.usdPerGb(), 1e-12);
    assertTrue(cheap.paths().get(0).isDirect());
    // Two workers per region double the direct path.
    RoutePlanner two =
        new RoutePlanner(data, PlannerSettings.defaults().withMaxWorkersPerRegion(2));
    Plan twice = two.plan("gcp:us-central1-a", "gcp:us-east1-b", Objective.direct());
    assertEquals(2 * capped.direct().gbps(), twice.gbps(), 1e-5);
    assertEquals(2, twice.workers().get("gcp:us-central1-a"));
  }

  @Test
  void withoutRelaysOnlyTheDirectPathIsUsed() {
    RoutePlanner none = new RoutePlanner(data, PlannerSettings.defaults().withMaxRelays(0));
    Plan p = none.plan("aws:us-west-2", "gcp:asia-south2-a", Objective.fastest());
    assertEquals(1, p.paths().size());
    assertTrue(p.paths().get(0).isDirect());
    RoutePlanner one = new RoutePlanner(data, PlannerSettings.defaults().withMaxRelays(1));
    Plan q = one.plan("aws:us-west-2", "gcp:asia-south2-a", Objective.fastest());
    assertTrue(q.paths().stream().allMatch(x -> x.relays().size() <= 1));
  }

  @Test
  void prunedTwoRelayCandidatesLoseLittleAgainstAllRegions() {
    RoutePlanner all = new RoutePlanner(data, PlannerSettings.defaults().withRelayCandidates(0));
    for (String[] p : pairs.subList(0, 4)) {
      double pruned = planner.plan(p[0], p[1], Objective.fastest()).gbps();
      double full = all.plan(p[0], p[1], Objective.fastest()).gbps();
      assertTrue(full >= pruned * (1 - TOLERANCE));
      assertTrue(pruned >= full * 0.95, p[0] + " -> " + p[1] + ": " + pruned + " vs " + full);
    }
  }

  @Test
  void unknownRegionsListCloseMatches() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> planner.plan("aws:us-east-9", "aws:us-west-2", Objective.fastest()));
    assertTrue(e.getMessage().contains("aws:us-east-1"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> planner.plan("aws:us-east-1", "aws:us-east-1", Objective.fastest()));
  }

  @Test
  void plansRoundTripThroughJson() {
    for (Objective o : objectives()) {
      Plan p = planner.plan("aws:us-west-2", "gcp:asia-south2-a", o);
      Plan back = Plan.fromJson(p.toJson());
      assertEquals(p, back);
      assertEquals(p.toJson(), back.toJson());
    }
    assertThrows(IllegalArgumentException.class, () -> Plan.fromJson("{\"source\": [1]}"));
  }

  @Test
  void solvesWithinASecond() {
    List<Double> millis = new ArrayList<>();
    for (String[] p : pairs) {
      millis.add(planner.plan(p[0], p[1], Objective.fastest()).solveMillis());
      millis.add(planner.plan(p[0], p[1], Objective.cheapest()).solveMillis());
    }
    millis.sort(Double::compare);
    double p95 = millis.get((int) (millis.size() * 0.95));
    assertTrue(p95 < 1000, "95th percentile " + p95 + " ms");
  }

  @Test
  void objectivesParseFromTheCommandLine() {
    assertEquals(Objective.fastest(), Objective.parse("FASTEST", null, null));
    assertEquals(Objective.cheapestWithFloor(5), Objective.parse("cheapest", 5.0, null));
    assertEquals(Objective.fastestWithCeiling(0.05), Objective.parse("fastest", null, 0.05));
    assertThrows(IllegalArgumentException.class, () -> Objective.parse("fast", null, null));
    assertThrows(IllegalArgumentException.class, () -> Objective.parse("fastest", 5.0, null));
  }
}
