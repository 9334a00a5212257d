package io.skyrelay.replay.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.skyrelay.replay.TraceReplay;
import io.skyrelay.replay.sim.PolicyResult;
import io.skyrelay.replay.trace.ParseReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes a replay's results: {@code results.csv}, {@code results.json}, series and charts. */
public final class ReplayReport {

  /** Files written into the output folder. */
  public static final List<String> FILES =
      List.of(
          "results.csv",
          "results.json",
          "cost-over-time.csv",
          "cost-by-policy.png",
          "cost-over-time.png",
          "latency-by-policy.png");

  private ReplayReport() {}

  /** A fixed-width table, one row per policy, cheapest first. */
  public static String table(List<PolicyResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-34s %12s %12s %12s %12s %8s %10s %10s%n",
            "policy",
            "total $",
            "storage $",
            "network $",
            "requests $",
            "hits",
            "mean ms",
            "p99 ms"));
    for (PolicyResult r : sorted(results)) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-34s %12.6f %12.6f %12.6f %12.6f %8s %10s %10s%n",
              r.policy(),
              r.totalUsd(),
              r.storageUsd(),
              r.networkUsd(),
              r.requestUsd(),
              Double.isNaN(r.hitRatio())
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f%%", 100 * r.hitRatio()),
              ms(r.meanLatencyMs(), r),
              ms(r.p99LatencyMs(), r)));
    }
    return sb.toString();
  }

  private static String ms(double v, PolicyResult r) {
    return !r.hasLatency() || Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static List<PolicyResult> sorted(List<PolicyResult> results) {
    List<PolicyResult> s = new ArrayList<>(results);
    s.sort((a, b) -> Double.compare(a.totalUsd(), b.totalUsd()));
    return s;
  }

  /**
   * Writes every file of {@link #FILES} into {@code dir}.
   *
   * @param info what was replayed (trace, regions, workload, seed...), copied into the JSON
   */
  public static void write(Path dir, TraceReplay.Outcome outcome, Map<String, Object> info) {
    try {
      Files.createDirectories(dir);
      writeCsv(dir.resolve("results.csv"), outcome.results());
      writeJson(dir.resolve("results.json"), outcome, info);
      writeSeries(dir.resolve("cost-over-time.csv"), outcome.results());
      costChart(dir.resolve("cost-by-policy.png"), outcome.results());
      timeChart(dir.resolve("cost-over-time.png"), outcome.results());
      latencyChart(dir.resolve("latency-by-policy.png"), outcome.results());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + dir + ": " + e, e);
    }
  }

  static void writeCsv(Path file, List<PolicyResult> results) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "policy,kind,total_usd,storage_usd,network_usd,request_usd,requests,reads,hits,"
                + "hit_ratio,not_found,egress_bytes,mean_read_ms,p99_read_ms\n");
    for (PolicyResult r : results) {
      sb.append(
          String.join(
              ",",
              r.policy(),
              r.kind().name(),
              num(r.totalUsd()),
              num(r.storageUsd()),
              num(r.networkUsd()),
              num(r.requestUsd()),
              Long.toString(r.requests()),
              Long.toString(r.reads()),
              r.hasLatency() ? Long.toString(r.hits()) : "",
              num(r.hitRatio()),
              Long.toString(r.notFound()),
              Long.toString(r.egressBytes()),
              r.hasLatency() ? num(r.meanLatencyMs()) : "",
              r.hasLatency() ? num(r.p99LatencyMs()) : ""));
      sb.append('\n');
    }
    Files.writeString(file, sb);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.9g", v);
  }

  static void writeJson(Path file, TraceReplay.Outcome o, Map<String, Object> info)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>(info);
    ParseReport p = o.parse();
    Map<String, Object> trace = new LinkedHashMap<>();
    trace.put("lines", p.lines());
    trace.put("requests", p.requests());
    trace.put("ignored_operations", p.ignored());
    trace.put("malformed", p.malformed());
    trace.put(
        "malformed_examples",
        p.examples().stream()
            .map(m -> Map.of("line", m.line(), "reason", m.reason(), "text", m.text()))
            .toList());
    trace.put("requests_replayed", o.requests());
    trace.put("objects", o.objects());
    trace.put("first_ms", o.firstMs());
    trace.put("end_ms", o.endMs());
    trace.put("replay_seconds", o.seconds());
    root.put("parse", trace);
    List<Map<String, Object>> policies = new ArrayList<>();
    for (PolicyResult r : o.results()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", r.policy());
      m.put("kind", r.kind().name());
      m.put("description", r.kind().description());
      m.put("total_usd", r.totalUsd());
      m.put("storage_usd", r.storageUsd());
      m.put("network_usd", r.networkUsd());
      m.put("request_usd", r.requestUsd());
      m.put("requests", r.requests());
      m.put("reads", r.reads());
      m.put("not_found", r.notFound());
      m.put("egress_bytes", r.egressBytes());
      if (r.hasLatency()) {
        m.put("hits", r.hits());
        m.put("hit_ratio", nanToNull(r.hitRatio()));
        m.put("mean_read_ms", nanToNull(r.meanLatencyMs()));
        m.put("p99_read_ms", nanToNull(r.p99LatencyMs()));
      }
      policies.add(m);
    }
    root.put("policies", policies);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
  }

  private static Double nanToNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  static void writeSeries(Path file, List<PolicyResult> results) throws IOException {
    StringBuilder sb = new StringBuilder("minute");
    int len = 0;
    List<double[]> series = new ArrayList<>();
    for (PolicyResult r : results) {
      sb.append(',').append(r.policy());
      double[] s = r.cumulativeCostPerMinute();
      series.add(s);
      len = Math.max(len, s.length);
    }
    sb.append('\n');
    for (int i = 0; i < len; i++) {
      sb.append(i + 1);
      for (double[] s : series) {
        sb.append(',').append(num(s.length == 0 ? 0 : s[Math.min(i, s.length - 1)]));
      }
      sb.append('\n');
    }
    Files.writeString(file, sb);
  }

  static void costChart(Path file, List<PolicyResult> results) throws IOException {
    List<PolicyResult> s = sorted(results);
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(900)
            .height(480)
            .title("Cost by policy (cheapest first)")
            .yAxisTitle("USD")
            .build();
    List<String> names = s.stream().map(PolicyResult::policy).map(ReplayReport::shortName).toList();
    chart.addSeries("storage", names, s.stream().map(PolicyResult::storageUsd).toList());
    chart.addSeries("network", names, s.stream().map(PolicyResult::networkUsd).toList());
    chart.addSeries("requests", names, s.stream().map(PolicyResult::requestUsd).toList());
    chart.getStyler().setStacked(true);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setDecimalPattern("#,##0.####");
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  static void timeChart(Path file, List<PolicyResult> results) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(480)
            .title("Cumulative cost over trace time")
            .xAxisTitle("hours since the first request")
            .yAxisTitle("USD")
            .build();
    for (PolicyResult r : results) {
      double[] y = r.cumulativeCostPerMinute();
      if (y.length == 0) {
        continue;
      }
      // At most about 500 points a line.
      int step = Math.max(1, y.length / 500);
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      xs.add(0.0);
      ys.add(0.0);
      for (int i = 0; i < y.length; i += step) {
        xs.add((i + 1) / 60.0);
        ys.add(y[i]);
      }
      if ((y.length - 1) % step != 0) {
        xs.add(y.length / 60.0);
        ys.add(y[y.length - 1]);
      }
      chart.addSeries(shortName(r.policy()), xs, ys).setMarker(SeriesMarkers.NONE);
    }
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setDecimalPattern("#,##0.####");
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  static void latencyChart(Path file, List<PolicyResult> results) throws IOException {
    List<PolicyResult> s = results.stream().filter(PolicyResult::hasLatency).toList();
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(900)
            .height(480)
            .title("Read latency by policy")
            .yAxisTitle("ms")
            .build();
    List<String> names = s.stream().map(PolicyResult::policy).map(ReplayReport::shortName).toList();
    chart.addSeries("mean", names, s.stream().map(r -> zero(r.meanLatencyMs())).toList());
    chart.addSeries("p99", names, s.stream().map(r -> zero(r.p99LatencyMs())).toList());
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static double zero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  /** Shorter labels for chart axes. */
  static String shortName(String policy) {
    return policy
        .replace("gcp:", "g:")
        .replace("aws:", "a:")
        .replace("azure:", "z:")
        .replaceAll("-([a-c])(\\+|$)", "$2");
  }
}
