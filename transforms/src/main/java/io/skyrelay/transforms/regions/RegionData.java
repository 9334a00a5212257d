package io.skyrelay.transforms.regions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prices and measurements between region labels such as {@code aws:us-east-1}. Labels starting with
 * {@code local:} stand for this machine: moving data between them is free.
 */
public final class RegionData {

  private static final String RESOURCES = "/io/skyrelay/regions/";

  private final Map<String, Double> egressUsdPerGb;
  private final Map<String, Double> throughputGbps;
  private final Set<String> regions;

  private RegionData(Map<String, Double> egress, Map<String, Double> throughput) {
    this.egressUsdPerGb = egress;
    this.throughputGbps = throughput;
    this.regions = new TreeSet<>();
    for (String pair : egress.keySet()) {
      String[] p = pair.split(">");
      regions.add(p[0]);
      regions.add(p[1]);
    }
  }

  /** The data shipped with Skyrelay. */
  public static RegionData bundled() {
    return new RegionData(
        read(resource("egress.csv"), "usd_per_gb"), read(resource("throughput.csv"), "gbps"));
  }

  /** Data from a folder holding {@code egress.csv} and {@code throughput.csv}. */
  public static RegionData fromDirectory(Path dir) {
    try {
      return new RegionData(
          read(Files.newInputStream(dir.resolve("egress.csv")), "usd_per_gb"),
          read(Files.newInputStream(dir.resolve("throughput.csv")), "gbps"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read region data in " + dir + ": " + e, e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = RegionData.class.getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new IllegalStateException("region data " + name + " is missing from the classpath");
    }
    return in;
  }

  private static Map<String, Double> read(InputStream in, String column) {
    Map<String, Double> values = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> header = List.of(r.readLine().split(","));
      int src = header.indexOf("src");
      int dst = header.indexOf("dst");
      int val = header.indexOf(column);
      if (src < 0 || dst < 0 || val < 0) {
        throw new IllegalArgumentException(
            "region data must have columns src,dst," + column + "; found " + header);
      }
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        values.put(f[src] + ">" + f[dst], Double.parseDouble(f[val]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }

  public Set<String> regions() {
    return regions;
  }

  /** Egress price in USD per GB from {@code src} to {@code dst}. */
  public double egressUsdPerGb(String src, String dst) {
    if (src.equals(dst) || (src.startsWith("local:") && dst.startsWith("local:"))) {
      return 0;
    }
    check(src);
    check(dst);
    Double p = egressUsdPerGb.get(src + ">" + dst);
    if (p == null) {
      throw new IllegalArgumentException("no egress price from " + src + " to " + dst);
    }
    return p;
  }

  /** Measured throughput in Gbps from {@code src} to {@code dst}, or NaN when unmeasured. */
  public double throughputGbps(String src, String dst) {
    return throughputGbps.getOrDefault(src + ">" + dst, Double.NaN);
  }

  /** Throws with the closest known labels when {@code region} is unknown. */
  public void check(String region) {
    if (regions.contains(region) || region.startsWith("local:")) {
      return;
    }
    List<String> close =
        regions.stream()
            .sorted(Comparator.comparingInt(r -> distance(r, region)))
            .limit(3)
            .toList();
    throw new IllegalArgumentException(
        "unknown region '"
            + region
            + "'; did you mean "
            + String.join(", ", close)
            + "?"
            + " (labels look like aws:us-east-1, azure:westeurope, gcp:us-central1-a, or local:NAME)");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
