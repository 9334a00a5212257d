package io.skyrelay.pipelines.replicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.skyrelay.pipelines.common.ProgressBar;
import io.skyrelay.transforms.planner.EgressCost;
import io.skyrelay.transforms.regions.RegionData;
import io.skyrelay.transforms.replicate.Replicate;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import io.skyrelay.transforms.replicate.Routing;
import io.skyrelay.transforms.replicate.ShardDiff;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.ObjectResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** What a replication run did, per destination, from the job's metrics. */
public record ReplicationSummary(
    String source,
    boolean dryRun,
    double seconds,
    int abortedStaleUploads,
    List<Destination> destinations,
    List<ObjectResult> failures,
    Filtered filtered,
    Retries retries) {

  /**
   * Store calls and copies the job retried (after a throttled answer, a 5xx, a reset or a timeout)
   * and the answers in which a store throttled a call: the cost of the faults the job survived.
   */
  public record Retries(long retried, long throttled) {}

  /**
   * What the job's filters left out at the source: objects and their bytes (never listed at all
   * when outside the filters' folder); {@code null} when the job has no filters.
   */
  public record Filtered(long objects, long bytes) {}

  /** The counts of one destination. */
  public record Destination(
      String uri,
      String region,
      long copied,
      long copiedBytes,
      long skipped,
      long deleted,
      long deleteRefused,
      long failed,
      Double egressUsd,
      Map<String, Long> relayedBytes,
      long relayFallbacks) {}

  public long failed() {
    return destinations.stream().mapToLong(Destination::failed).sum();
  }

  public long deleteRefused() {
    return destinations.stream().mapToLong(Destination::deleteRefused).sum();
  }

  public long copied() {
    return destinations.stream().mapToLong(Destination::copied).sum();
  }

  public long copiedBytes() {
    return destinations.stream().mapToLong(Destination::copiedBytes).sum();
  }

  public long skipped() {
    return destinations.stream().mapToLong(Destination::skipped).sum();
  }

  public long deleted() {
    return destinations.stream().mapToLong(Destination::deleted).sum();
  }

  static ReplicationSummary of(
      ReplicationSpec spec,
      MetricQueryResults metrics,
      double seconds,
      boolean dryRun,
      int aborted,
      List<ObjectResult> failures,
      RegionData regions) {
    Map<String, Long> counters = new LinkedHashMap<>();
    for (MetricResult<Long> c : metrics.getCounters()) {
      Long v;
      try {
        v = c.getCommitted();
      } catch (UnsupportedOperationException notCommitted) {
        v = c.getAttempted();
      }
      counters.merge(c.getName().getName(), v == null ? 0 : v, Long::sum);
    }
    return of(spec, counters, seconds, dryRun, aborted, failures, regions);
  }

  /**
   * The summary from the job's counters (named as {@link Replicate} counts them). Egress is priced
   * with {@code regions}, the region data the job was given: each route's bytes pay every hop of
   * the route; a dry run, which moves nothing, splits the bytes to copy in the planned shares.
   */
  static ReplicationSummary of(
      ReplicationSpec spec,
      Map<String, Long> counters,
      double seconds,
      boolean dryRun,
      int aborted,
      List<ObjectResult> failures,
      RegionData regions) {
    EgressCost prices = new EgressCost(regions);
    List<Destination> dests = new ArrayList<>();
    for (int d = 0; d < spec.destinations().size(); d++) {
      StoreLocation loc = spec.destination(d);
      String k = "/" + d;
      long bytes = counters.getOrDefault("copied-bytes" + k, 0L);
      Map<String, Long> relayed = new TreeMap<>();
      String prefix = "path-bytes" + k + "/";
      counters.forEach(
          (name, value) -> {
            if (name.startsWith(prefix)) {
              relayed.put(name.substring(prefix.length()), value);
            }
          });
      Map<List<String>, Long> byRoute =
          dryRun ? plannedRoutes(spec.routing(), d, bytes) : carriedRoutes(bytes, relayed);
      Double cost = null;
      try {
        cost = prices.usd(spec.source().region(), loc.region(), byRoute);
      } catch (IllegalArgumentException unknownRegion) {
        // no price for unlabelled stores: the report says n/a
      }
      dests.add(
          new Destination(
              loc.uri().toString(),
              loc.region(),
              counters.getOrDefault("copied" + k, 0L),
              bytes,
              counters.getOrDefault("skipped" + k, 0L),
              counters.getOrDefault("deleted" + k, 0L),
              counters.getOrDefault("delete-refused" + k, 0L),
              counters.getOrDefault("failed" + k, 0L),
              cost,
              relayed,
              counters.getOrDefault("relay-fallback" + k, 0L)));
    }
    Filtered filtered =
        spec.keys().acceptsAll()
            ? null
            : new Filtered(
                counters.getOrDefault(ShardDiff.FILTERED_OUT, 0L),
                counters.getOrDefault(ShardDiff.FILTERED_OUT_BYTES, 0L));
    return new ReplicationSummary(
        spec.source().toString(),
        dryRun,
        seconds,
        aborted,
        dests,
        failures,
        filtered,
        new Retries(
            counters.getOrDefault(Replicate.RETRIES, 0L),
            counters.getOrDefault(Replicate.THROTTLED, 0L)));
  }

  /**
   * Bytes per route (relay regions in order) of a run: those counted per relay route (keyed by
   * {@link Routing.Route#label()}), the rest direct.
   */
  static Map<List<String>, Long> carriedRoutes(long bytes, Map<String, Long> relayed) {
    Map<List<String>, Long> routes = new LinkedHashMap<>();
    long viaRelays = 0;
    for (Map.Entry<String, Long> e : relayed.entrySet()) {
      routes.merge(List.of(e.getKey().split("\\+")), e.getValue(), Long::sum);
      viaRelays += e.getValue();
    }
    routes.merge(List.of(), Math.max(0, bytes - viaRelays), Long::sum);
    return routes;
  }

  /** Bytes per route of a dry run: {@code bytes} split in the shares of the destination's plan. */
  static Map<List<String>, Long> plannedRoutes(Routing routing, int destination, long bytes) {
    Map<List<String>, Long> routes = new LinkedHashMap<>();
    List<Routing.Route> paths =
        destination < routing.paths().size() ? routing.paths().get(destination) : List.of();
    double total = paths.stream().mapToDouble(Routing.Route::share).sum();
    if (paths.isEmpty() || !(total > 0)) {
      routes.put(List.of(), bytes);
      return routes;
    }
    long left = bytes;
    for (int i = 0; i < paths.size(); i++) {
      Routing.Route r = paths.get(i);
      long share =
          i == paths.size() - 1 ? left : Math.min(left, Math.round(bytes * r.share() / total));
      routes.merge(r.relays(), share, Long::sum);
      left -= share;
    }
    return routes;
  }

  static MetricsFilter filter() {
    return MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(Replicate.METRICS))
        .build();
  }

  /** The human summary printed at the end of a run. */
  public void print(PrintStream out) {
    out.println();
    out.println(dryRun ? "Dry run: nothing was changed. Plan:" : "Replication summary");
    out.println("  source: " + source);
    if (filtered != null) {
      out.printf(
          Locale.ROOT,
          "  filters left out %,d source objects (%s)%n",
          filtered.objects(),
          ProgressBar.bytes(filtered.bytes()));
    }
    String copiedWord = dryRun ? "to copy" : "copied";
    String deletedWord = dryRun ? "to delete" : "deleted";
    for (Destination d : destinations) {
      out.printf(
          Locale.ROOT,
          "  -> %s [%s]: %s %,d (%s), skipped %,d, %s %,d, failed %,d%s, egress %s%n",
          d.uri(),
          d.region(),
          copiedWord,
          d.copied(),
          ProgressBar.bytes(d.copiedBytes()),
          d.skipped(),
          deletedWord,
          d.deleted(),
          d.failed(),
          d.deleteRefused() == 0
              ? ""
              : dryRun
                  ? ", the run would refuse all " + d.deleteRefused() + " deletes (--max-delete)"
                  : ", deletes refused " + d.deleteRefused(),
          d.egressUsd() == null ? "n/a" : String.format(Locale.ROOT, "$%.4f", d.egressUsd()));
      if (!d.relayedBytes().isEmpty() || d.relayFallbacks() > 0) {
        long viaRelays = d.relayedBytes().values().stream().mapToLong(Long::longValue).sum();
        StringBuilder b = new StringBuilder("     routes: direct ");
        b.append(ProgressBar.bytes(d.copiedBytes() - viaRelays));
        d.relayedBytes()
            .forEach(
                (route, n) ->
                    b.append(", via ").append(route).append(" ").append(ProgressBar.bytes(n)));
        if (d.relayFallbacks() > 0) {
          b.append("; ")
              .append(d.relayFallbacks())
              .append(" objects or parts fell back to the direct path because a relay failed");
        }
        out.println(b);
      }
    }
    if (!dryRun) {
      out.printf(
          Locale.ROOT,
          "  total: copied %,d objects, %s in %.1f s (%s/s); skipped %,d; deleted %,d; failed %,d%n",
          copied(),
          ProgressBar.bytes(copiedBytes()),
          seconds,
          ProgressBar.bytes((long) (copiedBytes() / Math.max(seconds, 0.001))),
          skipped(),
          deleted(),
          failed());
    }
    if (retries.retried() > 0 || retries.throttled() > 0) {
      out.printf(
          Locale.ROOT,
          "  retried %,d store calls or copies; the stores throttled %,d calls%n",
          retries.retried(),
          retries.throttled());
    }
    if (abortedStaleUploads > 0) {
      out.println("  aborted " + abortedStaleUploads + " unfinished uploads left by earlier runs");
    }
    if (!failures.isEmpty()) {
      out.println("  failures (first " + Math.min(20, failures.size()) + "):");
      failures.stream()
          .limit(20)
          .forEach(
              f ->
                  out.println(
                      "    "
                          + f.action
                          + " "
                          + destinations.get(f.destination).uri()
                          + " "
                          + printable(f.key)
                          + ": "
                          + printable(f.error)));
    }
  }

  /**
   * Text with control characters written as {@code \\uXXXX}: a key from a hostile listing must not
   * move the cursor or recolour the terminal it is printed on.
   */
  static String printable(String text) {
    if (text == null || text.chars().noneMatch(Character::isISOControl)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.chars()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.append((char) c);
              }
            });
    return out.toString();
  }

  /** Writes the summary as JSON. */
  public void writeJson(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("source", source);
    json.put("dryRun", dryRun);
    json.put("seconds", seconds);
    json.put("copied", copied());
    json.put("copiedBytes", copiedBytes());
    json.put("skipped", skipped());
    json.put("deleted", deleted());
    json.put("failed", failed());
    json.put("deleteRefused", deleteRefused());
    json.put("abortedStaleUploads", abortedStaleUploads);
    json.put("retries", retries.retried());
    json.put("throttled", retries.throttled());
    if (filtered != null) {
      json.put("filteredOut", filtered.objects());
      json.put("filteredOutBytes", filtered.bytes());
    }
    json.put("destinations", destinations);
    List<Map<String, Object>> f = new ArrayList<>();
    for (ObjectResult r : failures) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("destination", destinations.get(r.destination).uri());
      m.put("key", r.key);
      m.put("action", r.action.name());
      m.put("error", r.error);
      f.add(m);
    }
    json.put("failures", f);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
  }
}
