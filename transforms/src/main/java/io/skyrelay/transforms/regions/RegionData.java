package io.skyrelay.transforms.regions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
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
  private final Map<String, Double> rttMs;
  private final Map<String, StoragePrice> storagePrices;
  private final Set<String> regions;

  /**
   * Object storage prices of one region (standard tier, first volume tier).
   *
   * @param usdPerGbMonth storage price in USD per GB and month
   * @param putUsdPerRequest price of one write request (S3 PUT, GCS class A)
   * @param getUsdPerRequest price of one read request (S3 GET, GCS class B)
   */
  public record StoragePrice(
      double usdPerGbMonth, double putUsdPerRequest, double getUsdPerRequest) {}

  private RegionData(
      Map<String, Double> egress,
      Map<String, Double> throughput,
      Map<String, Double> rtt,
      Map<String, StoragePrice> storage) {
    this.egressUsdPerGb = egress;
    this.throughputGbps = throughput;
    this.rttMs = rtt;
    this.storagePrices = storage;
    this.regions = new TreeSet<>();
    for (String pair : egress.keySet()) {
      String[] p = pair.split(">");
      regions.add(p[0]);
      regions.add(p[1]);
    }
  }

  private static RegionData bundled;

  /**
   * The data shipped with Skyrelay, read once per JVM (it does not change; this value is
   * read-only).
   */
  public static synchronized RegionData bundled() {
    if (bundled == null) {
      bundled = readBundled();
    }
    return bundled;
  }

  private static RegionData readBundled() {
    return new RegionData(
        read(resource("egress.csv"), "usd_per_gb"),
        read(resource("throughput.csv"), "gbps"),
        read(resource("rtt.csv"), "rtt_ms"),
        readStorage(resource("storage_prices.csv")));
  }

  /**
   * Data from a folder holding {@code egress.csv} and {@code throughput.csv}, and optionally {@code
   * rtt.csv} and {@code storage_prices.csv}, in the format of the bundled files (see the README
   * beside them). A missing optional file means no RTT or storage prices are known.
   */
  public static RegionData fromDirectory(Path dir) {
    try {
      Path rtt = dir.resolve("rtt.csv");
      Path storage = dir.resolve("storage_prices.csv");
      return new RegionData(
          read(Files.newInputStream(dir.resolve("egress.csv")), "usd_per_gb"),
          read(Files.newInputStream(dir.resolve("throughput.csv")), "gbps"),
          Files.exists(rtt) ? read(Files.newInputStream(rtt), "rtt_ms") : Map.of(),
          Files.exists(storage) ? readStorage(Files.newInputStream(storage)) : Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read region data in " + dir + ": " + e, e);
    }
  }

  /** The bundled data, or the files in {@code dir} when it is not null. */
  public static RegionData bundledOr(Path dir) {
    return dir == null ? bundled() : fromDirectory(dir);
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

  private static Map<String, StoragePrice> readStorage(InputStream in) {
    Map<String, StoragePrice> values = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> header = List.of(r.readLine().split(","));
      int region = header.indexOf("region");
      int storage = header.indexOf("storage_usd_per_gb_month");
      int put = header.indexOf("put_usd_per_request");
      int get = header.indexOf("get_usd_per_request");
      if (region < 0 || storage < 0 || put < 0 || get < 0) {
        throw new IllegalArgumentException(
            "storage prices must have columns region,storage_usd_per_gb_month,"
                + "put_usd_per_request,get_usd_per_request; found "
                + header);
      }
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        values.put(
            f[region],
            new StoragePrice(
                Double.parseDouble(f[storage]),
                Double.parseDouble(f[put]),
                Double.parseDouble(f[get])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }

  /** The cloud of a label: {@code aws}, {@code azure}, {@code gcp} or {@code local}. */
  public static String provider(String region) {
    int colon = region.indexOf(':');
    return colon < 0 ? region : region.substring(0, colon);
  }

  public Set<String> regions() {
    return Collections.unmodifiableSet(regions);
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

  /** Average round-trip time in ms between {@code src} and {@code dst}, or NaN when unmeasured. */
  public double rttMs(String src, String dst) {
    if (src.equals(dst)) {
      return 0;
    }
    return rttMs.getOrDefault(src + ">" + dst, Double.NaN);
  }

  /**
   * Object storage prices of a known region.
   *
   * @throws IllegalArgumentException for an unknown region, or one without storage prices
   */
  public StoragePrice storagePrice(String region) {
    StoragePrice p = storagePrices.get(region);
    if (p == null) {
      check(region);
      throw new IllegalArgumentException("no storage prices for " + region);
    }
    return p;
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
