package io.skyrelay.replay.bench;

import io.skyrelay.replay.TraceReplay;
import io.skyrelay.replay.sim.Simulator;
import io.skyrelay.replay.trace.KeyInterner;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadGenerator;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import io.skyrelay.transforms.regions.RegionData;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures the in-process replay on a synthetic IBM-format trace: parsing alone, the simulator per
 * policy over requests already in memory, and the whole replay (parse, workload, every policy).
 * Prints the median of several runs.
 *
 * <pre>
 * mvn -pl trace-replay -am -DskipTests install
 * mvn -pl trace-replay exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.skyrelay.replay.bench.ReplayBenchmark -Dexec.args="5000000 5"
 * </pre>
 */
public final class ReplayBenchmark {

  private ReplayBenchmark() {}

  public static void main(String[] args) throws IOException {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<String> regions = List.of("aws:us-east-1", "azure:westeurope", "gcp:us-central1-a");
    CostModel model = new CostModel(RegionData.bundled(), regions);
    Path trace = Files.createTempFile("replay-bench", ".txt");
    try {
      int objects = Math.max(1, requests / 10);
      write(trace, requests, objects);
      System.out.printf(
          Locale.ROOT,
          "trace: %,d requests, %,d objects, %.0f MB; %d runs, median; %d cores, load %.1f%n",
          requests,
          objects,
          Files.size(trace) / 1e6,
          runs,
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

      double[] parse = new double[runs];
      double[] parseCpu = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        long c0 = cpu();
        long n = parseOnly(trace, regions);
        parse[i] = n / ((System.nanoTime() - t0) / 1e9);
        parseCpu[i] = n / ((cpu() - c0) / 1e9);
      }
      print("parse", median(parse), median(parseCpu), "lines/s");

      List<RequestBatch> batches = load(trace, model);
      RequestBatch last = batches.get(batches.size() - 1);
      long total = batches.stream().mapToLong(RequestBatch::size).sum();
      for (String spec : Policy.all(model)) {
        Policy p = Policy.parse(spec, model);
        double[] rate = new double[runs];
        double[] rateCpu = new double[runs];
        for (int i = 0; i < runs; i++) {
          Simulator s = Simulator.of(p, model, batches.get(0).timestampMs[0]);
          long t0 = System.nanoTime();
          long c0 = cpu();
          for (RequestBatch b : batches) {
            s.process(b);
          }
          s.finish(last.timestampMs[last.size() - 1]);
          rate[i] = total / ((System.nanoTime() - t0) / 1e9);
          rateCpu[i] = total / ((cpu() - c0) / 1e9);
        }
        print("simulate " + spec, median(rate), median(rateCpu), "requests/s");
      }
      batches = null;

      for (String policies : List.of("pull-keep", "all")) {
        List<Policy> list = Policy.parseList(policies, model);
        double[] rate = new double[runs];
        double[] rateCpu = new double[runs];
        for (int i = 0; i < runs; i++) {
          long c0 = processCpu();
          TraceReplay.Outcome o =
              TraceReplay.run(trace, model, list, WorkloadType.E, 1, false, null, null);
          rate[i] = o.requests() / o.seconds();
          rateCpu[i] = o.requests() / ((processCpu() - c0) / 1e9);
        }
        print(
            "end to end, " + list.size() + " polic" + (list.size() == 1 ? "y" : "ies"),
            median(rate),
            median(rateCpu),
            "requests/s");
      }
    } finally {
      Files.deleteIfExists(trace);
    }
  }

  /** CPU time of this thread, ns: what the replay costs, whatever else the machine runs. */
  static long cpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** CPU time of the whole process, ns: the end-to-end replay runs on several threads. */
  static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static void print(String what, double wall, double cpu, String unit) {
    System.out.printf(
        Locale.ROOT,
        "%-48s %,14.0f %s wall clock %,14.0f %s per CPU second%n",
        what,
        wall,
        unit,
        cpu,
        unit);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** A trace with skewed popularity: 70% GET, 15% PUT, 10% HEAD, 5% DELETE. */
  static void write(Path file, int requests, int objects) throws IOException {
    SplittableRandom rnd = new SplittableRandom(42);
    String[] ops = {"REST.GET.OBJECT", "REST.PUT.OBJECT", "REST.HEAD.OBJECT", "REST.DELETE.OBJECT"};
    long t = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < requests; i++) {
        t += rnd.nextInt(20);
        // Squaring a uniform number skews reads towards low ids.
        double u = rnd.nextDouble();
        int obj = (int) (u * u * objects);
        int k = rnd.nextInt(100);
        int op = k < 70 ? 0 : k < 85 ? 1 : k < 95 ? 2 : 3;
        long size = 1024L + (obj * 7919L) % (64L << 20);
        sb.setLength(0);
        sb.append(t).append(' ').append(ops[op]).append(' ');
        sb.append(String.format(Locale.ROOT, "%016x", obj * 0x9E3779B97F4A7C15L));
        if (op != 3) {
          sb.append(' ').append(size);
        }
        sb.append('\n');
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  static long parseOnly(Path trace, List<String> regions) {
    RequestBatch b = new RequestBatch(1 << 14);
    long n = 0;
    try (TraceReader r = TraceReader.open(trace, new KeyInterner(), regions, false)) {
      while (r.next(b)) {
        n += b.size();
      }
    }
    return n;
  }

  static List<RequestBatch> load(Path trace, CostModel model) {
    List<RequestBatch> out = new ArrayList<>();
    WorkloadGenerator gen = new WorkloadGenerator(WorkloadType.E, 1, model.regions());
    RequestBatch raw = new RequestBatch(1 << 14);
    try (TraceReader r = TraceReader.open(trace, new KeyInterner(), model.regionLabels(), false)) {
      while (r.next(raw)) {
        RequestBatch b = new RequestBatch(2 << 14);
        gen.assign(raw, b);
        out.add(b);
      }
    }
    return out;
  }
}
