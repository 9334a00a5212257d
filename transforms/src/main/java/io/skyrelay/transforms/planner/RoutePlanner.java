package io.skyrelay.transforms.planner;

import io.skyrelay.transforms.planner.Objective.Kind;
import io.skyrelay.transforms.regions.RegionData;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Plans a transfer between two regions by solving linear programs with ojAlgo, in the spirit of the
 * Skyplane paper's formulation. Variables: the Gbps carried by each candidate path (direct, through
 * one relay, through two relays). Constraints, per region: egress and ingress Gbps within the
 * per-worker caps, connections out and in within the per-worker limit (a connection on hop a->b
 * carries the grid's {@code gbps(a,b)} divided by the connections it was measured with), each times
 * the region's worker count. Flow is conserved by construction: each path carries its flow from
 * source to destination, so every relay forwards what it receives.
 *
 * <p>Workers are relaxed: no objective here charges for them, so the programs give every region its
 * maximum; the plan then reports, per region, the load of the chosen flows rounded up to whole
 * workers. Objectives are solved lexicographically: the primary goal first, then the secondary one
 * (cost for fastest plans, throughput for cheapest ones) with the primary held at its optimum. See
 * docs/PLANNER.md for the model and its limits.
 */
public final class RoutePlanner {

  /** Relative slack that holds an earlier stage's optimum in a later stage. */
  private static final double HOLD = 1e-7;

  /**
   * Paths carrying less than this fraction of the flow are dropped from a plan: they are solver
   * noise, or too small to be worth a relay.
   */
  private static final double NEGLIGIBLE_SHARE = 1e-3;

  static {
    // ojAlgo prints a notice about hardware profiles to standard output when it first loads; that
    // would corrupt `skyrelay plan --json`. Load it once with standard output silenced.
    PrintStream out = System.out;
    try {
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      Class.forName("org.ojalgo.OjAlgoUtils");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("ojAlgo is missing from the classpath", e);
    } finally {
      System.setOut(out);
    }
  }

  private final RegionData regions;
  private final EgressCost prices;
  private final PlannerSettings settings;
  private final Set<String> allowedRelays;

  public RoutePlanner(RegionData regions, PlannerSettings settings) {
    this(regions, settings, null);
  }

  private RoutePlanner(RegionData regions, PlannerSettings settings, Set<String> allowedRelays) {
    this.regions = regions;
    this.prices = new EgressCost(regions);
    this.settings = settings;
    this.allowedRelays = allowedRelays;
  }

  /** A planner that relays only through these regions (those a job has relay stores in). */
  public RoutePlanner withRelaysIn(Set<String> relays) {
    return new RoutePlanner(regions, settings, Set.copyOf(relays));
  }

  public RoutePlanner(RegionData regions) {
    this(regions, PlannerSettings.defaults());
  }

  public PlannerSettings settings() {
    return settings;
  }

  /**
   * The plan for moving data from {@code source} to {@code destination}.
   *
   * @throws IllegalArgumentException for unknown regions (listing close matches), the same region
   *     twice, or an objective no plan can meet (saying what the best plan reaches)
   */
  public Plan plan(String source, String destination, Objective objective) {
    long start = System.nanoTime();
    regions.check(source);
    regions.check(destination);
    if (source.equals(destination)) {
      throw new IllegalArgumentException(
          "source and destination are the same region (" + source + "); nothing to route");
    }
    Plan.Baseline direct = direct(source, destination);
    int relays = objective.kind() == Kind.DIRECT ? 0 : settings.maxRelays();
    Network net = new Network(source, destination, candidates(source, destination, relays));
    if (net.paths.isEmpty()) {
      throw new IllegalArgumentException(
          "no measured path from " + source + " to " + destination + " in the region data");
    }
    double cheapestPath = net.cost.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double[] flows;
    switch (objective.kind()) {
      case DIRECT -> flows = net.maximiseThroughputFlows(m -> {});
      case FASTEST -> {
        double t = net.maximiseThroughput(m -> {});
        flows = net.minimiseCost(m -> m.throughputAtLeast(t * (1 - HOLD)));
      }
      case CHEAPEST -> {
        // The lowest price per GB is the cheapest path's (any path can carry a small enough flow);
        // the fastest plan at that price uses only paths of that price.
        net = net.pricedAtMost(cheapestPath);
        flows = net.maximiseThroughputFlows(m -> {});
      }
      case CHEAPEST_WITH_FLOOR -> {
        double floor = objective.minGbps();
        double fastest = net.maximiseThroughput(m -> {});
        if (fastest < floor * (1 - HOLD)) {
          throw new IllegalArgumentException(
              String.format(
                  java.util.Locale.ROOT,
                  "no plan from %s to %s reaches %.3f Gbps with %d worker(s) per region;"
                      + " the fastest reaches %.3f Gbps",
                  source,
                  destination,
                  floor,
                  settings.maxWorkersPerRegion(),
                  fastest));
        }
        double[] atFloor = net.minimiseCost(m -> m.throughputExactly(Math.min(floor, fastest)));
        double price = net.price(atFloor);
        flows = net.maximiseThroughputFlows(m -> m.priceAtMost(price * (1 + HOLD)));
      }
      case FASTEST_WITH_CEILING -> {
        double ceiling = objective.maxUsdPerGb();
        if (ceiling < cheapestPath * (1 - HOLD)) {
          throw new IllegalArgumentException(
              String.format(
                  java.util.Locale.ROOT,
                  "no plan from %s to %s costs at most $%.4f/GB; the cheapest costs $%.4f/GB",
                  source,
                  destination,
                  ceiling,
                  cheapestPath));
        }
        double c = Math.max(ceiling, cheapestPath);
        double t = net.maximiseThroughput(m -> m.priceAtMost(c));
        flows =
            net.minimiseCost(
                m -> {
                  m.priceAtMost(c);
                  m.throughputAtLeast(t * (1 - HOLD));
                });
      }
      default -> throw new IllegalStateException("unknown objective " + objective);
    }
    // Paths with a negligible share are solver noise, or too small to be worth a relay; a plan
    // bound by a floor keeps them when it needs them to reach the floor.
    Network used = net.restrictedTo(flows, NEGLIGIBLE_SHARE);
    if (objective.kind() == Kind.CHEAPEST_WITH_FLOOR
        && used.throughput(used.flows) < objective.minGbps() * (1 - HOLD)) {
      used = net.restrictedTo(flows, 1e-9);
    }
    boolean directAllowed =
        objective.kind() == Kind.FASTEST
            || (objective.kind() == Kind.FASTEST_WITH_CEILING
                && direct.usdPerGb() <= objective.maxUsdPerGb());
    if (directAllowed && used.throughput(used.flows) < direct.gbps() && direct.gbps() > 0) {
      // Within the solver's tolerance of the direct path: take the direct path itself.
      used = new Network(source, destination, List.of(List.of(source, destination)));
      used.flows = new double[] {direct.gbps()};
    }
    double[] solution = used.flows;
    List<Plan.Path> paths = used.paths(solution);
    double gbps = paths.stream().mapToDouble(Plan.Path::gbps).sum();
    double usdPerGb = paths.stream().mapToDouble(p -> p.share() * p.usdPerGb()).sum();
    double millis = (System.nanoTime() - start) / 1e6;
    return new Plan(
        source,
        destination,
        objective,
        settings,
        paths,
        gbps,
        usdPerGb,
        used.workers(solution),
        direct,
        millis);
  }

  /** The direct path with every worker the limits allow: one path, so no solver is needed. */
  private Plan.Baseline direct(String source, String destination) {
    double g = regions.throughputGbps(source, destination);
    double perWorker =
        Math.min(
            g * settings.connectionsPerWorker() / settings.measuredConnections(),
            Math.min(settings.egressCap(source), settings.ingressCap(destination)));
    double gbps = usable(g) ? perWorker * settings.maxWorkersPerRegion() : 0;
    return new Plan.Baseline(gbps, prices.usdPerGb(List.of(source, destination)));
  }

  private static boolean usable(double gbps) {
    return gbps > 0 && !Double.isNaN(gbps);
  }

  private boolean usable(String a, String b) {
    return !a.equals(b) && usable(regions.throughputGbps(a, b));
  }

  /** Candidate paths: direct, every one-relay path, and two-relay paths over the best hops. */
  List<List<String>> candidates(String src, String dst, int maxRelays) {
    List<List<String>> paths = new ArrayList<>();
    if (usable(src, dst)) {
      paths.add(List.of(src, dst));
    }
    List<String> relays =
        regions.regions().stream()
            .filter(r -> !r.equals(src) && !r.equals(dst))
            .filter(r -> allowedRelays == null || allowedRelays.contains(r))
            .toList();
    if (maxRelays >= 1) {
      for (String r : relays) {
        if (usable(src, r) && usable(r, dst)) {
          paths.add(List.of(src, r, dst));
        }
      }
    }
    if (maxRelays >= 2) {
      Set<String> first = best(relays, r -> usable(src, r), r -> src, r -> r);
      Set<String> last = best(relays, r -> usable(r, dst), r -> r, r -> dst);
      for (String a : first) {
        for (String b : last) {
          if (usable(a, b)) {
            paths.add(List.of(src, a, b, dst));
          }
        }
      }
    }
    return paths;
  }

  /** The fastest and the cheapest {@code relayCandidates} hops from {@code from} to {@code to}. */
  private Set<String> best(
      List<String> relays,
      java.util.function.Predicate<String> ok,
      java.util.function.UnaryOperator<String> from,
      java.util.function.UnaryOperator<String> to) {
    List<String> usableRelays = relays.stream().filter(ok).toList();
    int k = settings.relayCandidates();
    if (k == 0 || k >= usableRelays.size()) {
      return new LinkedHashSet<>(usableRelays);
    }
    Comparator<String> fastest =
        Comparator.comparingDouble(
            (String r) -> -regions.throughputGbps(from.apply(r), to.apply(r)));
    Comparator<String> cheapest =
        Comparator.comparingDouble((String r) -> regions.egressUsdPerGb(from.apply(r), to.apply(r)))
            .thenComparing(fastest);
    Set<String> chosen = new LinkedHashSet<>();
    usableRelays.stream().sorted(fastest).limit(k).forEach(chosen::add);
    usableRelays.stream().sorted(cheapest).limit(k).forEach(chosen::add);
    return chosen;
  }

  /** The candidate paths of one transfer with their per-region coefficients. */
  private final class Network {
    final String source;
    final String destination;
    final List<List<String>> paths;
    final List<Double> cost = new ArrayList<>();
    final List<String> regionsUsed;

    /** Per region: per path, the coefficient of the path's flow in each of the four limits. */
    final Map<String, double[]> egress = new HashMap<>();

    final Map<String, double[]> ingress = new HashMap<>();
    final Map<String, double[]> connectionsOut = new HashMap<>();
    final Map<String, double[]> connectionsIn = new HashMap<>();

    /** Flows on these paths, when this network is what a plan kept of a larger one. */
    double[] flows;

    Network(String source, String destination, List<List<String>> paths) {
      this.source = source;
      this.destination = destination;
      this.paths = paths;
      Set<String> used = new LinkedHashSet<>();
      used.add(source);
      for (List<String> p : paths) {
        used.addAll(p.subList(1, p.size() - 1));
      }
      used.add(destination);
      regionsUsed = new ArrayList<>(used);
      int n = paths.size();
      for (String r : regionsUsed) {
        egress.put(r, new double[n]);
        ingress.put(r, new double[n]);
        connectionsOut.put(r, new double[n]);
        connectionsIn.put(r, new double[n]);
      }
      double perConnection = 1.0 / settings.measuredConnections();
      for (int i = 0; i < n; i++) {
        List<String> p = paths.get(i);
        for (int h = 0; h + 1 < p.size(); h++) {
          String a = p.get(h);
          String b = p.get(h + 1);
          double connectionsPerGbps = 1 / (regions.throughputGbps(a, b) * perConnection);
          egress.get(a)[i] += 1;
          ingress.get(b)[i] += 1;
          connectionsOut.get(a)[i] += connectionsPerGbps;
          connectionsIn.get(b)[i] += connectionsPerGbps;
        }
        cost.add(prices.usdPerGb(p));
      }
    }

    /** The paths that carry more than {@code share} of {@code flows}, with their flows. */
    Network restrictedTo(double[] flows, double share) {
      double t = throughput(flows);
      List<List<String>> kept = new ArrayList<>();
      List<Double> keptFlows = new ArrayList<>();
      for (int i = 0; i < flows.length; i++) {
        if (flows[i] > t * share) {
          kept.add(paths.get(i));
          keptFlows.add(flows[i]);
        }
      }
      Network n = new Network(source, destination, kept);
      n.flows = keptFlows.stream().mapToDouble(Double::doubleValue).toArray();
      return n;
    }

    double throughput(double[] flows) {
      double t = 0;
      for (double f : flows) {
        t += f;
      }
      return t;
    }

    double price(double[] flows) {
      double t = throughput(flows);
      double c = 0;
      for (int i = 0; i < flows.length; i++) {
        c += flows[i] * cost.get(i);
      }
      return t > 0 ? c / t : 0;
    }

    double maximiseThroughput(Consumer<Lp> constraints) {
      return throughput(maximiseThroughputFlows(constraints));
    }

    double[] maximiseThroughputFlows(Consumer<Lp> constraints) {
      Lp lp = new Lp(this);
      constraints.accept(lp);
      for (Variable f : lp.flows) {
        f.weight(1);
      }
      return lp.solve(true);
    }

    double[] minimiseCost(Consumer<Lp> constraints) {
      Lp lp = new Lp(this);
      constraints.accept(lp);
      for (int i = 0; i < lp.flows.length; i++) {
        lp.flows[i].weight(cost.get(i));
      }
      return lp.solve(false);
    }

    /**
     * The regions that carry {@code flows}, each with its load rounded up to whole workers (the
     * fewest that carry these flows), in path order.
     */
    Map<String, Integer> workers(double[] flows) {
      Map<String, Integer> out = new LinkedHashMap<>();
      for (String region : regionsUsed) {
        double load = load(region, flows);
        if (load > 0) {
          out.put(region, Math.max(1, (int) Math.ceil(load - 1e-9)));
        }
      }
      return out;
    }

    /** The paths whose price per GB is at most {@code usdPerGb}. */
    Network pricedAtMost(double usdPerGb) {
      List<List<String>> kept = new ArrayList<>();
      for (int i = 0; i < paths.size(); i++) {
        if (cost.get(i) <= usdPerGb + 1e-12) {
          kept.add(paths.get(i));
        }
      }
      return new Network(source, destination, kept);
    }

    /** Workers {@code region} needs for {@code flows}, as a fraction. */
    double load(String region, double[] flows) {
      double e = 0;
      double i = 0;
      double co = 0;
      double ci = 0;
      for (int p = 0; p < flows.length; p++) {
        e += egress.get(region)[p] * flows[p];
        i += ingress.get(region)[p] * flows[p];
        co += connectionsOut.get(region)[p] * flows[p];
        ci += connectionsIn.get(region)[p] * flows[p];
      }
      double perWorker = settings.connectionsPerWorker();
      return Math.max(
          Math.max(e / settings.egressCap(region), i / settings.ingressCap(region)),
          Math.max(co / perWorker, ci / perWorker));
    }

    List<Plan.Path> paths(double[] flows) {
      double t = throughput(flows);
      List<Plan.Path> out = new ArrayList<>();
      for (int i = 0; i < flows.length; i++) {
        if (flows[i] <= t * 1e-9) {
          continue;
        }
        List<String> p = paths.get(i);
        List<Integer> connections = new ArrayList<>();
        for (int h = 0; h + 1 < p.size(); h++) {
          double perConnection =
              regions.throughputGbps(p.get(h), p.get(h + 1)) / settings.measuredConnections();
          connections.add((int) Math.ceil(flows[i] / perConnection - 1e-6));
        }
        out.add(new Plan.Path(p, flows[i] / t, flows[i], cost.get(i), connections));
      }
      out.sort(Comparator.comparingDouble(Plan.Path::share).reversed());
      return out;
    }
  }

  /** One linear program over a network's paths. */
  private final class Lp {
    final Network net;
    final ExpressionsBasedModel model = new ExpressionsBasedModel();
    final Variable[] flows;

    Lp(Network net) {
      this.net = net;
      int n = net.paths.size();
      flows = new Variable[n];
      for (int i = 0; i < n; i++) {
        flows[i] = model.addVariable("f" + i).lower(0);
      }
      // Workers cost nothing in these objectives, so each region's worker count sits at its
      // upper bound; the limits below are per worker times that bound.
      int workers = settings.maxWorkersPerRegion();
      for (int r = 0; r < net.regionsUsed.size(); r++) {
        String region = net.regionsUsed.get(r);
        limit("egress" + r, net.egress.get(region), settings.egressCap(region) * workers);
        limit("ingress" + r, net.ingress.get(region), settings.ingressCap(region) * workers);
        double connections = settings.connectionsPerWorker() * (double) workers;
        limit("connOut" + r, net.connectionsOut.get(region), connections);
        limit("connIn" + r, net.connectionsIn.get(region), connections);
      }
    }

    /** sum(coefficient * flow) <= bound. */
    private void limit(String name, double[] coefficients, double bound) {
      Expression e = null;
      for (int i = 0; i < coefficients.length; i++) {
        if (coefficients[i] != 0) {
          if (e == null) {
            e = model.addExpression(name).upper(bound);
          }
          e.set(flows[i], coefficients[i]);
        }
      }
    }

    void throughputAtLeast(double gbps) {
      Expression e = model.addExpression("throughputFloor").lower(gbps);
      for (Variable f : flows) {
        e.set(f, 1);
      }
    }

    void throughputExactly(double gbps) {
      Expression e = model.addExpression("throughput").level(gbps);
      for (Variable f : flows) {
        e.set(f, 1);
      }
    }

    /** Price per GB at most {@code usdPerGb}: sum((cost_p - usdPerGb) * f_p) <= 0. */
    void priceAtMost(double usdPerGb) {
      Expression e = model.addExpression("priceCeiling").upper(0);
      for (int i = 0; i < flows.length; i++) {
        e.set(flows[i], net.cost.get(i) - usdPerGb);
      }
    }

    /** Solves; returns the flow of each path. */
    double[] solve(boolean maximise) {
      Optimisation.Result r = maximise ? model.maximise() : model.minimise();
      if (!r.getState().isFeasible()) {
        throw new IllegalStateException(
            "the planner's solver found no solution (" + r.getState() + ")");
      }
      double[] f = new double[flows.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = Math.max(0, r.doubleValue(model.indexOf(flows[i])));
      }
      return f;
    }
  }
}
