package io.skyrelay.replay.sim;

import io.skyrelay.transforms.placement.Policy;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * What a policy cost over a replay, and how its reads went. Results of disjoint sets of objects add
 * up with {@link #merge}, which is how the Beam replay combines its per-object runs.
 */
public final class PolicyResult implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Width of a bucket of the cost-over-time series, ms. */
  public static final long SERIES_BUCKET_MS = 60_000;

  private static final long MAX_BUCKETS = 1 << 24;

  private final String policy;
  private final Policy.Kind kind;
  double storageUsd;
  double networkUsd;
  double requestUsd;
  long requests;
  long reads;
  long hits;
  long notFound;
  long egressBytes;
  final LatencyHistogram latency = new LatencyHistogram();

  /** Series origin: the trace's first timestamp. */
  private long originMs = Long.MIN_VALUE;

  /** Cost incurred in each minute of trace time; storage spread over the time it is held. */
  private double[] perBucket = new double[64];

  /** Storage USD per ms starting at a bucket boundary (a difference array). */
  private double[] rateDiff = new double[65];

  private int buckets;

  public PolicyResult(String policy, Policy.Kind kind) {
    this.policy = policy;
    this.kind = kind;
  }

  public String policy() {
    return policy;
  }

  public Policy.Kind kind() {
    return kind;
  }

  public void origin(long originMs) {
    if (this.originMs == Long.MIN_VALUE) {
      this.originMs = originMs;
    }
  }

  public long originMs() {
    return originMs;
  }

  private int bucket(long ts) {
    // Beyond about 30 years of trace time the last bucket takes the rest.
    long k = Math.min(MAX_BUCKETS, Math.max(0, (ts - originMs) / SERIES_BUCKET_MS));
    if (k >= perBucket.length) {
      int len = (int) Math.max(perBucket.length * 2L, k + 1);
      perBucket = Arrays.copyOf(perBucket, len);
      rateDiff = Arrays.copyOf(rateDiff, len + 1);
    }
    buckets = Math.max(buckets, (int) k + 1);
    return (int) k;
  }

  /** Bucket first: growing replaces the array. */
  private void add(long ts, double usd) {
    int k = bucket(ts);
    perBucket[k] += usd;
  }

  void network(long ts, double usd) {
    networkUsd += usd;
    add(ts, usd);
  }

  void request(long ts, double usd) {
    requestUsd += usd;
    requests++;
    add(ts, usd);
  }

  /** Storage at {@code usdPerMs} held over [from, to). */
  void storage(long from, long to, double usdPerMs) {
    if (to <= from) {
      return;
    }
    storageUsd += usdPerMs * (to - from);
    int ka = bucket(from);
    int kb = bucket(to);
    if (ka == kb) {
      perBucket[ka] += usdPerMs * (to - from);
      return;
    }
    long edgeA = originMs + (ka + 1L) * SERIES_BUCKET_MS;
    long edgeB = originMs + kb * SERIES_BUCKET_MS;
    perBucket[ka] += usdPerMs * (edgeA - from);
    perBucket[kb] += usdPerMs * (to - edgeB);
    rateDiff[ka + 1] += usdPerMs;
    rateDiff[kb] -= usdPerMs;
  }

  /** Costs the offline optimum books at once when an object version ends. */
  void booked(long ts, double storage, double network, double requests, long requestCount) {
    storageUsd += storage;
    networkUsd += network;
    requestUsd += requests;
    this.requests += requestCount;
    add(ts, storage + network + requests);
  }

  void read(boolean hit, double latencyMs) {
    reads++;
    if (hit) {
      hits++;
    }
    latency.add(latencyMs);
  }

  /** Adds another result of the same policy over other objects. */
  public void merge(PolicyResult o) {
    storageUsd += o.storageUsd;
    networkUsd += o.networkUsd;
    requestUsd += o.requestUsd;
    requests += o.requests;
    reads += o.reads;
    hits += o.hits;
    notFound += o.notFound;
    egressBytes += o.egressBytes;
    latency.addAll(o.latency);
    if (o.buckets > 0) {
      if (originMs == Long.MIN_VALUE) {
        originMs = o.originMs;
      }
      if (o.originMs != originMs) {
        throw new IllegalArgumentException("cannot merge series with different origins");
      }
      bucket(originMs + (o.buckets - 1L) * SERIES_BUCKET_MS);
      for (int i = 0; i < o.buckets; i++) {
        perBucket[i] += o.perBucket[i];
        rateDiff[i] += o.rateDiff[i];
      }
      rateDiff[o.buckets] += o.rateDiff[o.buckets];
    }
  }

  public double storageUsd() {
    return storageUsd;
  }

  public double networkUsd() {
    return networkUsd;
  }

  public double requestUsd() {
    return requestUsd;
  }

  public double totalUsd() {
    return storageUsd + networkUsd + requestUsd;
  }

  /** Requests charged (reads, writes, copies between regions). */
  public long requests() {
    return requests;
  }

  /** GETs of objects that existed. */
  public long reads() {
    return reads;
  }

  /** GETs served by a replica in the reader's region. */
  public long hits() {
    return hits;
  }

  /** GETs of objects that did not exist (deleted, or never written). */
  public long notFound() {
    return notFound;
  }

  public long egressBytes() {
    return egressBytes;
  }

  /** Hits over reads; NaN for the offline optimum, which bounds cost but schedules no reads. */
  public double hitRatio() {
    return reads == 0 || kind == Policy.Kind.OPTIMUM ? Double.NaN : (double) hits / reads;
  }

  /** The offline optimum has no latency: it is a cost bound, not a schedule of reads. */
  public boolean hasLatency() {
    return kind != Policy.Kind.OPTIMUM;
  }

  public double meanLatencyMs() {
    return latency.meanMs();
  }

  public double p99LatencyMs() {
    return latency.quantileMs(0.99);
  }

  public LatencyHistogram latency() {
    return latency;
  }

  /** Cumulative cost at the end of each minute of trace time. */
  public double[] cumulativeCostPerMinute() {
    double[] out = new double[buckets];
    double rate = 0;
    double sum = 0;
    for (int i = 0; i < buckets; i++) {
      rate += rateDiff[i];
      sum += perBucket[i] + rate * SERIES_BUCKET_MS;
      out[i] = sum;
    }
    return out;
  }

  /** A compact, deterministic coder: the Beam replay's per-bundle results go through it. */
  public static final class Coder extends CustomCoder<PolicyResult> {

    private static final long serialVersionUID = 1L;

    @Override
    public void encode(PolicyResult r, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      out.writeUTF(r.policy);
      out.writeUTF(r.kind.name());
      out.writeDouble(r.storageUsd);
      out.writeDouble(r.networkUsd);
      out.writeDouble(r.requestUsd);
      out.writeLong(r.requests);
      out.writeLong(r.reads);
      out.writeLong(r.hits);
      out.writeLong(r.notFound);
      out.writeLong(r.egressBytes);
      r.latency.encode(out);
      out.writeLong(r.originMs);
      out.writeInt(r.buckets);
      for (int i = 0; i < r.buckets; i++) {
        out.writeDouble(r.perBucket[i]);
      }
      for (int i = 0; i <= r.buckets; i++) {
        out.writeDouble(r.rateDiff[i]);
      }
      out.flush();
    }

    @Override
    public PolicyResult decode(InputStream is) throws IOException {
      DataInputStream in = new DataInputStream(is);
      PolicyResult r = new PolicyResult(in.readUTF(), Policy.Kind.valueOf(in.readUTF()));
      r.storageUsd = in.readDouble();
      r.networkUsd = in.readDouble();
      r.requestUsd = in.readDouble();
      r.requests = in.readLong();
      r.reads = in.readLong();
      r.hits = in.readLong();
      r.notFound = in.readLong();
      r.egressBytes = in.readLong();
      r.latency.decode(in);
      r.originMs = in.readLong();
      r.buckets = in.readInt();
      r.perBucket = new double[Math.max(64, r.buckets)];
      r.rateDiff = new double[r.perBucket.length + 1];
      for (int i = 0; i < r.buckets; i++) {
        r.perBucket[i] = in.readDouble();
      }
      for (int i = 0; i <= r.buckets; i++) {
        r.rateDiff[i] = in.readDouble();
      }
      return r;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
