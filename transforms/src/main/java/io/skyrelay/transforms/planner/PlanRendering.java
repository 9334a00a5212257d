package io.skyrelay.transforms.planner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * A {@link Plan} as people and scripts read it: the table of its paths, the whole plan with the
 * predicted time and egress cost of a transfer against the direct path's, and the same as JSON that
 * reads back as a plan ({@link Plan#fromJson}).
 */
public final class PlanRendering {

  private PlanRendering() {}

  /** The plan's JSON with a {@code transfer} section for {@code bytes}; it reads back as a plan. */
  public static String json(Plan plan, long bytes) {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    try {
      ObjectNode root = (ObjectNode) m.readTree(plan.toJson());
      ObjectNode t = root.putObject("transfer");
      t.put("bytes", bytes);
      t.put("seconds", plan.seconds(bytes));
      t.put("egressUsd", plan.egressUsd(bytes));
      t.put("directSeconds", bytes * 8 / (plan.direct().gbps() * 1e9));
      t.put("directEgressUsd", bytes / 1e9 * plan.direct().usdPerGb());
      t.put("speedup", plan.speedup());
      t.put("costRatio", plan.usdPerGb() / plan.direct().usdPerGb());
      return m.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The human-readable plan. */
  public static void print(Plan plan, long bytes, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "Plan %s -> %s (%s), %s, at most %d worker(s) per region%n",
        plan.source(),
        plan.destination(),
        plan.objective(),
        bytes(bytes),
        plan.settings().maxWorkersPerRegion());
    printPaths(plan, out);
    double directSeconds = bytes * 8 / (plan.direct().gbps() * 1e9);
    double directUsd = bytes / 1e9 * plan.direct().usdPerGb();
    out.printf(
        Locale.ROOT,
        "  plan:   %8.3f Gbps, %s, egress $%,.2f ($%.4f/GB)%n",
        plan.gbps(),
        duration(plan.seconds(bytes)),
        plan.egressUsd(bytes),
        plan.usdPerGb());
    out.printf(
        Locale.ROOT,
        "  direct: %8.3f Gbps, %s, egress $%,.2f ($%.4f/GB)%n",
        plan.direct().gbps(),
        duration(directSeconds),
        directUsd,
        plan.direct().usdPerGb());
    out.printf(
        Locale.ROOT,
        "  => %.2fx the direct path's throughput at %.2fx its egress cost%n",
        plan.speedup(),
        plan.usdPerGb() / plan.direct().usdPerGb());
    StringBuilder w = new StringBuilder();
    plan.workers().forEach((r, n) -> w.append(w.length() == 0 ? "" : ", ").append(r + " " + n));
    out.println("  workers: " + w);
    out.printf(Locale.ROOT, "  solved in %.0f ms%n", plan.solveMillis());
  }

  /** The table of a plan's paths. */
  public static void printPaths(Plan plan, PrintStream out) {
    int width = plan.paths().stream().mapToInt(p -> p.label().length()).max().orElse(10);
    out.printf(
        Locale.ROOT,
        "  %-" + width + "s  %6s  %8s  %7s  %s%n",
        "path",
        "share",
        "Gbps",
        "$/GB",
        "connections per hop");
    for (Plan.Path p : plan.paths()) {
      out.printf(
          Locale.ROOT,
          "  %-" + width + "s  %5.1f%%  %8.3f  %7.4f  %s%n",
          p.label(),
          p.share() * 100,
          p.gbps(),
          p.usdPerGb(),
          p.connections());
    }
  }

  static String bytes(long b) {
    if (b >= 1_000_000_000_000L) {
      return String.format(Locale.ROOT, "%.3g TB", b / 1e12);
    }
    if (b >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.3g GB", b / 1e9);
    }
    return String.format(Locale.ROOT, "%.3g MB", b / 1e6);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%.1f s", seconds);
  }
}
