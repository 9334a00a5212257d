package io.skyrelay.pipelines.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.transforms.planner.Objective;
import io.skyrelay.transforms.planner.Plan;
import io.skyrelay.transforms.planner.RoutePlanner;
import io.skyrelay.transforms.regions.RegionData;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Measures overlay routes against the direct path on one machine: for each region pair, one
 * in-process S3Proxy endpoint per region label (source, destination, each relay of the plan), the
 * same data copied twice with links emulated at the grid's speeds (scaled), once direct and once by
 * the fastest plan through relay stores. Writes a Markdown table, a CSV and a bar chart.
 *
 * <p>Usage: {@code OverlayExperiment OUT_DIR MIB_PER_GBPS OBJECTS OBJECT_MIB SRC DST [SRC DST...]}
 */
public final class OverlayExperiment {

  private OverlayExperiment() {}

  record Result(
      String source,
      String destination,
      String route,
      double directGbps,
      double plannedGbps,
      double predicted,
      double directSeconds,
      double overlaySeconds,
      double idleSeconds) {
    double measured() {
      return directSeconds / overlaySeconds;
    }

    double measuredNet() {
      return (directSeconds - idleSeconds) / (overlaySeconds - idleSeconds);
    }
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    double mibPerGbps = Double.parseDouble(args[1]);
    int objects = Integer.parseInt(args[2]);
    int objectMib = Integer.parseInt(args[3]);
    Files.createDirectories(out);
    RoutePlanner planner = new RoutePlanner(RegionData.bundled());
    List<Result> results = new ArrayList<>();
    for (int i = 4; i + 1 < args.length; i += 2) {
      Plan plan = planner.plan(args[i], args[i + 1], Objective.fastest());
      results.add(run(plan, out, mibPerGbps, objects, objectMib));
      System.out.println(line(results.get(results.size() - 1)));
    }
    write(results, out, mibPerGbps, objects, objectMib);
    System.exit(0);
  }

  static Result run(Plan plan, Path out, double mibPerGbps, int objects, int objectMib)
      throws Exception {
    Map<String, S3ProxyServer> servers = new LinkedHashMap<>();
    List<String> labels = new ArrayList<>();
    labels.add(plan.source());
    labels.add(plan.destination());
    plan.paths()
        .forEach(
            p ->
                p.relays()
                    .forEach(
                        r -> {
                          if (!labels.contains(r)) {
                            labels.add(r);
                          }
                        }));
    StringBuilder stores = new StringBuilder("stores:\n");
    for (String label : labels) {
      S3ProxyServer s = S3ProxyServer.startInMemory();
      servers.put(label, s);
      String bucket = bucketOf(label);
      s.createBucket(bucket);
      stores
          .append("  - uri: s3://")
          .append(bucket)
          .append("\n    region: ")
          .append(label)
          .append("\n    endpoint: ")
          .append(s.endpoint())
          .append("\n    region-name: us-east-1\n    access-key-id: ")
          .append(S3ProxyServer.ACCESS_KEY)
          .append("\n    secret-access-key: ")
          .append(S3ProxyServer.SECRET_KEY)
          .append("\n");
    }
    Path storesFile = Files.createTempFile("overlay-stores", ".yaml");
    Files.writeString(storesFile, stores);
    Path planFile = Files.createTempFile("overlay-plan", ".json");
    Files.writeString(planFile, plan.toJson());
    try (ObjectStore src =
        ObjectStores.open(
            "s3://" + bucketOf(plan.source()), servers.get(plan.source()).settings())) {
      Random r = new Random(7);
      byte[] data = new byte[objectMib << 20];
      for (int i = 0; i < objects; i++) {
        r.nextBytes(data);
        src.put("data/obj-" + i, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
      }
    }
    String rate = (long) (mibPerGbps * (1 << 20)) + "B";
    String src = "s3://" + bucketOf(plan.source()) + "/data/";
    String dst = "s3://" + bucketOf(plan.destination());
    double idle = copy(out, src, dst + "/idle/", storesFile, List.of());
    double direct = copy(out, src, dst + "/direct/", storesFile, List.of("--emulate-links", rate));
    List<String> overlay =
        new ArrayList<>(List.of("--emulate-links", rate, "--plan", planFile.toString()));
    for (String label : labels.subList(2, labels.size())) {
      overlay.add("--relay");
      overlay.add(label + "=s3://" + bucketOf(label) + "/staging");
    }
    double relayed = copy(out, src, dst + "/overlay/", storesFile, overlay);
    servers.values().forEach(S3ProxyServer::close);
    String route =
        String.join(
            " | ",
            plan.paths().stream()
                .map(
                    p ->
                        String.format(
                            Locale.ROOT,
                            "%s %.0f%%",
                            String.join(
                                " > ", p.relays().isEmpty() ? List.of("direct") : p.relays()),
                            p.share() * 100))
                .toList());
    return new Result(
        plan.source(),
        plan.destination(),
        route,
        plan.direct().gbps(),
        plan.gbps(),
        plan.speedup(),
        direct,
        relayed,
        idle);
  }

  private static String bucketOf(String label) {
    return label.replaceAll("[^a-z0-9]", "-").replaceAll("-+", "-");
  }

  private static double copy(Path out, String src, String dst, Path stores, List<String> extra)
      throws Exception {
    Path runDir = Files.createTempDirectory(out.toAbsolutePath().getParent(), "overlay-run");
    List<String> args =
        new ArrayList<>(
            List.of(
                "replicate",
                src,
                dst,
                "--stores",
                stores.toString(),
                "--runner",
                "direct",
                "--transfers",
                "16",
                "--output",
                runDir.toString()));
    args.addAll(extra);
    int code = SkyrelayCli.commandLine().execute(args.toArray(String[]::new));
    if (code != 0) {
      throw new IllegalStateException("replicate exited with " + code + " for " + args);
    }
    double seconds =
        new ObjectMapper()
            .readTree(runDir.resolve("report.json").toFile())
            .get("seconds")
            .asDouble();
    return seconds;
  }

  static String line(Result r) {
    return String.format(
        Locale.ROOT,
        "| %s -> %s | %s | %.3f | %.3f | %.2fx | %.1f s | %.1f s | %.2fx | %.2fx |",
        r.source(),
        r.destination(),
        r.route(),
        r.directGbps(),
        r.plannedGbps(),
        r.predicted(),
        r.directSeconds(),
        r.overlaySeconds(),
        r.measured(),
        r.measuredNet());
  }

  static void write(List<Result> results, Path out, double mibPerGbps, int objects, int objectMib)
      throws Exception {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "%d objects of %d MiB per run; 1 Gbps of the grid emulated as %.1f MiB/s; job start-up"
                + " (unthrottled run) subtracted in the last column%n%n",
            objects,
            objectMib,
            mibPerGbps));
    md.append(
        "| pair | fastest plan (relays, share) | direct Gbps | planned Gbps | predicted |"
            + " direct run | overlay run | measured | measured, start-up subtracted |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    results.forEach(r -> md.append(line(r)).append('\n'));
    Files.writeString(out.resolve("overlay-experiment-results.md"), md);
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(760)
            .height(380)
            .title("Overlay vs direct: speed-up on emulated links")
            .xAxisTitle("region pair")
            .yAxisTitle("speed-up over direct")
            .build();
    List<String> names = new ArrayList<>();
    for (Result r : results) {
      names.add(shortName(r.source()) + ">" + shortName(r.destination()));
    }
    chart.addSeries("predicted (planner)", names, results.stream().map(Result::predicted).toList());
    chart.addSeries("measured", names, results.stream().map(Result::measured).toList());
    chart.addSeries(
        "measured, start-up subtracted", names, results.stream().map(Result::measuredNet).toList());
    chart.getStyler().setXAxisLabelRotation(20);
    BitmapEncoder.saveBitmap(
        chart, out.resolve("overlay-experiment.png").toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String shortName(String label) {
    return label
        .replace("gcp:", "g:")
        .replace("aws:", "a:")
        .replace("azure:", "z:")
        .replaceAll("-[a-c]$", "");
  }
}
