package io.skyrelay.transforms.placement;

import io.skyrelay.transforms.regions.RegionData;
import java.io.Serializable;
import java.util.List;

/**
 * Prices and link figures between the replayed regions, as flat arrays indexed by region.
 *
 * <ul>
 *   <li>Storage: {@code storage_usd_per_gb_month / 730} per GB-hour, prorated to the millisecond a
 *       replica is held. GB are 10^9 bytes, as clouds bill them.
 *   <li>Network: {@code egress(src, dst)} per GB moved from src to dst; free within a region.
 *   <li>Requests: the PUT price of the region written, the GET price of the region read. DELETE is
 *       free.
 *   <li>Read latency: RTT(src, dst) plus size over throughput(src, dst). A read served in its own
 *       region takes {@link #LOCAL_RTT_MS} plus size over {@link #LOCAL_GBPS}: the region data has
 *       no figure for it. An unmeasured pair uses {@link #FALLBACK_RTT_MS} and {@link
 *       #FALLBACK_GBPS}.
 * </ul>
 */
public final class CostModel implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Round trip of a read within one region, ms (an assumption, not measured data). */
  public static final double LOCAL_RTT_MS = 1.0;

  /** Throughput of a read within one region, Gbps (an assumption, not measured data). */
  public static final double LOCAL_GBPS = 10.0;

  public static final double FALLBACK_RTT_MS = 150.0;
  public static final double FALLBACK_GBPS = 1.0;

  private static final double HOURS_PER_MONTH = 730.0;
  private static final double MS_PER_HOUR = 3_600_000.0;

  private final String[] regions;
  private final int n;
  private final double[] storagePerByteMs;
  private final double[] storageUsdPerGbHour;
  private final double[] putUsd;
  private final double[] getUsd;
  private final double[] egressPerByte;
  private final double[] egressUsdPerGb;
  private final double[] rttMs;
  private final double[] msPerByte;

  public CostModel(RegionData data, List<String> regionLabels) {
    this(data, regionLabels, regionLabels);
  }

  /**
   * A model over {@code regionLabels} whose figures are those of other regions of the data: label i
   * is priced as {@code pricedAs.get(i)}. Several labels may be priced as one region (two stores of
   * one cloud region). A {@code null} entry is a region without prices (a local folder): its
   * storage and requests are free, and so is egress to and from it.
   */
  public CostModel(RegionData data, List<String> regionLabels, List<String> pricedAs) {
    if (regionLabels.isEmpty() || regionLabels.size() > 64) {
      throw new IllegalArgumentException(
          "replay needs 1 to 64 regions, not " + regionLabels.size());
    }
    if (pricedAs.size() != regionLabels.size()) {
      throw new IllegalArgumentException("one priced region per label is needed");
    }
    n = regionLabels.size();
    regions = regionLabels.toArray(String[]::new);
    storagePerByteMs = new double[n];
    storageUsdPerGbHour = new double[n];
    putUsd = new double[n];
    getUsd = new double[n];
    egressPerByte = new double[n * n];
    egressUsdPerGb = new double[n * n];
    rttMs = new double[n * n];
    msPerByte = new double[n * n];
    String[] grid = pricedAs.toArray(String[]::new);
    for (int i = 0; i < n; i++) {
      if (grid[i] != null) {
        data.check(grid[i]);
      }
      for (int j = 0; j < i; j++) {
        if (regions[i].equals(regions[j])) {
          throw new IllegalArgumentException("region " + regions[i] + " is listed twice");
        }
      }
      RegionData.StoragePrice p =
          grid[i] == null ? new RegionData.StoragePrice(0, 0, 0) : data.storagePrice(grid[i]);
      storageUsdPerGbHour[i] = p.usdPerGbMonth() / HOURS_PER_MONTH;
      storagePerByteMs[i] = storageUsdPerGbHour[i] / 1e9 / MS_PER_HOUR;
      putUsd[i] = p.putUsdPerRequest();
      getUsd[i] = p.getUsdPerRequest();
    }
    for (int s = 0; s < n; s++) {
      for (int d = 0; d < n; d++) {
        int k = s * n + d;
        if (s == d) {
          rttMs[k] = LOCAL_RTT_MS;
          msPerByte[k] = 8.0 / (LOCAL_GBPS * 1e9) * 1000.0;
          continue;
        }
        boolean priced = grid[s] != null && grid[d] != null;
        egressUsdPerGb[k] = priced ? data.egressUsdPerGb(grid[s], grid[d]) : 0;
        egressPerByte[k] = egressUsdPerGb[k] / 1e9;
        double rtt = priced ? data.rttMs(grid[s], grid[d]) : Double.NaN;
        rttMs[k] = Double.isNaN(rtt) ? FALLBACK_RTT_MS : rtt;
        double gbps = priced ? data.throughputGbps(grid[s], grid[d]) : Double.NaN;
        msPerByte[k] = 8.0 / ((Double.isNaN(gbps) || gbps <= 0 ? FALLBACK_GBPS : gbps) * 1e9) * 1e3;
      }
    }
  }

  public int regions() {
    return n;
  }

  public List<String> regionLabels() {
    return List.of(regions);
  }

  public String region(int i) {
    return regions[i];
  }

  /** The index of a label, or -1. */
  public int indexOf(String label) {
    for (int i = 0; i < n; i++) {
      if (regions[i].equals(label)) {
        return i;
      }
    }
    return -1;
  }

  public double storageUsdPerGbHour(int region) {
    return storageUsdPerGbHour[region];
  }

  public double egressUsdPerGb(int src, int dst) {
    return egressUsdPerGb[src * n + dst];
  }

  public double putUsd(int region) {
    return putUsd[region];
  }

  public double getUsd(int region) {
    return getUsd[region];
  }

  /** Storage price in USD per byte and millisecond. */
  public double storagePerByteMs(int region) {
    return storagePerByteMs[region];
  }

  /** Egress price in USD per byte from {@code src} to {@code dst}. */
  public double egressPerByte(int src, int dst) {
    return egressPerByte[src * n + dst];
  }

  /**
   * The region a reader in {@code reader} is served {@code size} bytes from, among the regions
   * holding a readable copy (bit i of {@code holders} for region i): its own when it holds one,
   * else the cheapest to read from (GET price there plus egress), equal costs going to the lower
   * latency, then to the lower index. -1 when no region holds a copy.
   */
  public int servingRegion(long holders, int reader, long size) {
    if ((holders & (1L << reader)) != 0) {
      return reader;
    }
    int best = -1;
    double bestCost = Double.MAX_VALUE;
    for (long h = holders; h != 0; h &= h - 1) {
      int s = Long.numberOfTrailingZeros(h);
      double c = getUsd[s] + egressPerByte[s * n + reader] * size;
      if (c < bestCost
          || (c == bestCost
              && readLatencyMs(s, reader, size) < readLatencyMs(best, reader, size))) {
        bestCost = c;
        best = s;
      }
    }
    return best;
  }

  /** Storage cost of {@code bytes} held in {@code region} for {@code ms}. */
  public double storageUsd(int region, long bytes, long ms) {
    return storagePerByteMs[region] * bytes * ms;
  }

  /** Egress cost of moving {@code bytes} from {@code src} to {@code dst}. */
  public double egressUsd(int src, int dst, long bytes) {
    return egressPerByte[src * n + dst] * bytes;
  }

  /** Latency of reading {@code bytes} in {@code dst} from a replica in {@code src}, ms. */
  public double readLatencyMs(int src, int dst, long bytes) {
    int k = src * n + dst;
    return rttMs[k] + msPerByte[k] * bytes;
  }

  /**
   * The break-even time for a replica in {@code dst} fetched from {@code src}, in ms: egress per GB
   * over storage per GB-hour. Holding the replica longer than this costs more than fetching again.
   */
  public long breakEvenMs(int src, int dst) {
    double hours = egressUsdPerGb[src * n + dst] / storageUsdPerGbHour[dst];
    return (long) Math.min(Long.MAX_VALUE / 4, hours * MS_PER_HOUR);
  }
}
