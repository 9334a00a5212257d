package io.skyrelay.replay.sim;

import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.transforms.placement.CostModel;
import java.util.Arrays;

/**
 * The offline optimum over the policy space of {@link PolicySimulator}: a lower bound on the cost
 * of every policy there, computed in one pass with O(1) work per read.
 *
 * <p>The model. Each version of an object (from a PUT to the next PUT, a DELETE or the end of the
 * trace) has exactly one home replica, held for the whole version in some region h (the writer's
 * region for every policy but {@code single}, whose h is fixed); writing it costs a PUT in h plus
 * egress from the writer's region to h. Any other replica in region r is made by a transfer into r
 * that costs at least {@code m_r = min over s != r of (GET price in s + egress s->r)}, plus a PUT
 * in r if the copy is kept. For each region r and its reads t1 < ... < tk of the version, the
 * optimum chooses between consecutive reads whether to hold a replica over the gap (storage for the
 * gap, then a GET in r) or not (the next read pays {@code m_r}, and a PUT if it keeps a copy), by a
 * two-state dynamic programme; it holds nothing before the first read and after the last. The total
 * of a version is the minimum over h of: writing to h, storage in h for the version, GETs in h for
 * h's reads, and the programme's cost of every other region.
 *
 * <p>Why it is a lower bound: every policy keeps a home replica per version (so pays at least the
 * cost for some h), and in every other region its replicas cover its hits with storage held at
 * least over the gaps between them, each created by a transfer that costs at least {@code m_r}
 * (sources are relaxed to any region, pushes happen no later than the first read, and GETs at the
 * source of a push are extra). HEAD, DELETE and GETs of missing objects cost the same everywhere,
 * and a multipart PART at least the cheapest PUT-plus-egress over the regions. The bound may be
 * unreachable (its cheapest source need not hold a replica), which keeps it a bound.
 *
 * <p>A version's cost is booked when it ends, so this policy's cost-over-time series steps there.
 */
final class OfflineOptimum implements Simulator {

  private static final double NEVER = Double.MAX_VALUE / 8;

  private final CostModel m;
  private final int n;
  private final PolicyResult result;

  // Per object.
  private byte[] writer = new byte[0];
  private long[] versionStart = new long[0];
  private long[] versionSize = new long[0];
  private long[] lastTs = new long[0];

  // Per slot: the programme's state after the last read in the slot's region, with the cost of
  // each state split into storage, network and requests.
  private long[] lastRead = new long[0];
  private int[] reads = new int[0];
  private double[] holdS = new double[0];
  private double[] holdN = new double[0];
  private double[] holdR = new double[0];
  private double[] dropS = new double[0];
  private double[] dropN = new double[0];
  private double[] dropR = new double[0];
  private int[] holdRequests = new int[0];
  private int[] dropRequests = new int[0];
  private int objects;

  OfflineOptimum(CostModel model, PolicyResult result) {
    this.m = model;
    this.n = model.regions();
    this.result = result;
  }

  @Override
  public PolicyResult result() {
    return result;
  }

  private void ensure(int obj) {
    if (obj < objects) {
      return;
    }
    int cap = writer.length;
    if (obj >= cap) {
      int newCap = Math.max(obj + 1, Math.max(16, cap * 2));
      writer = Arrays.copyOf(writer, newCap);
      Arrays.fill(writer, cap, newCap, (byte) -1);
      versionStart = Arrays.copyOf(versionStart, newCap);
      versionSize = Arrays.copyOf(versionSize, newCap);
      lastTs = Arrays.copyOf(lastTs, newCap);
      Arrays.fill(lastTs, cap, newCap, Long.MIN_VALUE);
      int slots = newCap * n;
      lastRead = Arrays.copyOf(lastRead, slots);
      reads = Arrays.copyOf(reads, slots);
      holdS = Arrays.copyOf(holdS, slots);
      holdN = Arrays.copyOf(holdN, slots);
      holdR = Arrays.copyOf(holdR, slots);
      dropS = Arrays.copyOf(dropS, slots);
      dropN = Arrays.copyOf(dropN, slots);
      dropR = Arrays.copyOf(dropR, slots);
      holdRequests = Arrays.copyOf(holdRequests, slots);
      dropRequests = Arrays.copyOf(dropRequests, slots);
    }
    objects = obj + 1;
  }

  @Override
  public void process(RequestBatch b) {
    for (int i = 0; i < b.size(); i++) {
      int obj = b.object[i];
      ensure(obj);
      long ts = Math.max(b.timestampMs[i], lastTs[obj]);
      lastTs[obj] = ts;
      int r = b.region[i];
      switch (b.op[i]) {
        case Op.PUT -> {
          endVersion(obj, ts);
          writer[obj] = (byte) r;
          versionStart[obj] = ts;
          versionSize[obj] = b.size[i];
        }
        case Op.GET -> read(obj, r, ts);
        case Op.HEAD -> result.booked(ts, 0, 0, m.getUsd(r), 1);
        case Op.DELETE -> endVersion(obj, ts);
        case Op.PART -> {
          double best = Double.MAX_VALUE;
          double net = 0;
          double req = 0;
          for (int h = 0; h < n; h++) {
            double e = m.egressUsd(r, h, b.size[i]);
            if (e + m.putUsd(h) < best) {
              best = e + m.putUsd(h);
              net = e;
              req = m.putUsd(h);
            }
          }
          result.booked(ts, 0, net, req, 1);
        }
        default -> {}
      }
    }
  }

  private void read(int obj, int r, long ts) {
    if (writer[obj] < 0) {
      result.notFound++;
      result.booked(ts, 0, 0, m.getUsd(r), 1);
      return;
    }
    result.reads++;
    int slot = obj * n + r;
    long size = versionSize[obj];
    // The cheapest remote read into r.
    double missN = NEVER;
    double missR = 0;
    for (int s = 0; s < n; s++) {
      if (s != r) {
        double net = m.egressUsd(s, r, size);
        if (net + m.getUsd(s) < missN + missR) {
          missN = net;
          missR = m.getUsd(s);
        }
      }
    }
    double put = m.putUsd(r);
    if (reads[slot] == 0) {
      holdS[slot] = 0;
      holdN[slot] = missN;
      holdR[slot] = missR + put;
      holdRequests[slot] = 2;
      dropS[slot] = 0;
      dropN[slot] = missN;
      dropR[slot] = missR;
      dropRequests[slot] = 1;
    } else {
      double gapStorage = m.storageUsd(r, size, ts - lastRead[slot]);
      // Held over the gap: the read is a hit.
      double hS = holdS[slot] + gapStorage;
      double hN = holdN[slot];
      double hR = holdR[slot] + m.getUsd(r);
      int hQ = holdRequests[slot] + 1;
      double hit = hS + hN + hR;
      // Not held: the read is remote; it may keep a copy.
      double dS = dropS[slot];
      double dN = dropN[slot] + missN;
      double dR = dropR[slot] + missR;
      int dQ = dropRequests[slot] + 1;
      double miss = dS + dN + dR;
      if (hit <= miss + put) {
        holdS[slot] = hS;
        holdN[slot] = hN;
        holdR[slot] = hR;
        holdRequests[slot] = hQ;
      } else {
        holdS[slot] = dS;
        holdN[slot] = dN;
        holdR[slot] = dR + put;
        holdRequests[slot] = dQ + 1;
      }
      if (hit <= miss) {
        dropS[slot] = hS;
        dropN[slot] = hN;
        dropR[slot] = hR;
        dropRequests[slot] = hQ;
      } else {
        dropS[slot] = dS;
        dropN[slot] = dN;
        dropR[slot] = dR;
        dropRequests[slot] = dQ;
      }
    }
    reads[slot]++;
    lastRead[slot] = ts;
  }

  /** The cheapest of a region's two final states (nothing is held after the last read). */
  private double regionCost(int slot) {
    if (reads[slot] == 0) {
      return 0;
    }
    return Math.min(
        holdS[slot] + holdN[slot] + holdR[slot], dropS[slot] + dropN[slot] + dropR[slot]);
  }

  private boolean holdCheaper(int slot) {
    return holdS[slot] + holdN[slot] + holdR[slot] <= dropS[slot] + dropN[slot] + dropR[slot];
  }

  private void endVersion(int obj, long ts) {
    int w = writer[obj];
    if (w < 0) {
      return;
    }
    long size = versionSize[obj];
    long life = ts - versionStart[obj];
    int base = obj * n;
    int bestHome = -1;
    double best = Double.MAX_VALUE;
    for (int h = 0; h < n; h++) {
      double c =
          m.putUsd(h)
              + m.egressUsd(w, h, size)
              + m.storageUsd(h, size, life)
              + reads[base + h] * m.getUsd(h);
      for (int r = 0; r < n; r++) {
        if (r != h) {
          c += regionCost(base + r);
        }
      }
      if (c < best) {
        best = c;
        bestHome = h;
      }
    }
    int h = bestHome;
    double storage = m.storageUsd(h, size, life);
    double network = m.egressUsd(w, h, size);
    double requests = m.putUsd(h) + reads[base + h] * m.getUsd(h);
    long count = 1L + reads[base + h];
    for (int r = 0; r < n; r++) {
      int slot = base + r;
      if (r != h && reads[slot] > 0) {
        if (holdCheaper(slot)) {
          storage += holdS[slot];
          network += holdN[slot];
          requests += holdR[slot];
          count += holdRequests[slot];
        } else {
          storage += dropS[slot];
          network += dropN[slot];
          requests += dropR[slot];
          count += dropRequests[slot];
        }
      }
      reads[slot] = 0;
    }
    result.booked(ts, storage, network, requests, count);
    writer[obj] = -1;
  }

  @Override
  public void finish(long endMs) {
    for (int obj = 0; obj < objects; obj++) {
      endVersion(obj, Math.max(endMs, lastTs[obj]));
    }
  }
}
