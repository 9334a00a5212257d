package io.skyrelay.pipelines.replay;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.placement.PlacementPolicies;
import io.skyrelay.pipelines.common.GeneratedContent;
import io.skyrelay.replay.sim.PolicyResult;
import io.skyrelay.replay.sim.Simulator;
import io.skyrelay.replay.trace.KeyInterner;
import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadGenerator;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Replays a trace through live S3 gateways, one policy at a time, and sets the cost the gateway
 * measured (its own {@code skyrelay_gateway_cost_usd_total} metrics) beside the cost the replay
 * simulator predicts for the same requests and policy.
 *
 * <p>The workload is built once (an IBM trace's requests given regions as {@code replay run} gives
 * them, object sizes capped, at most a number of requests, timestamps made non-decreasing) and fed
 * to both: to the simulator, and, request by request, to a fresh gateway whose only bucket has the
 * policy, through one S3 client per region label (a request issued in region R goes to R's
 * endpoint). Requests are sent on a schedule that compresses trace time by a speed-up, as {@code
 * replay live} does for the sync job. The gateway's clock, which sets copy deadlines and by which
 * storage cost accrues, reads the trace time of the request being replayed; between requests the
 * replay steps it to each copy deadline on the way, so copies are evicted when the policy says.
 * After each request the replay waits until the copies it began are ready (replicas, copies a read
 * leaves), so that what is stored between two requests is what the policy placed.
 *
 * <p>Differences whose cause the replay knows are reported as "explained" and computed request by
 * request: a HEAD is priced by the gateway where the copy it describes is, by the simulator in the
 * issuing region; a write stored in another region than the one that received it ({@code single})
 * is priced by the simulator as egress plus a PUT there, by the gateway as a PUT where it was
 * received. What is left (the residual) is rounding.
 */
public final class GatewayReplay {

  /** The name the bucket of every policy's replay has. */
  static final String BUCKET = "replay";

  private static final String COST_METRIC = "skyrelay_gateway_cost_usd";
  private static final String READS_METRIC = "skyrelay_gateway_reads";
  private static final String REQUESTS_METRIC = "skyrelay_gateway_requests";

  /**
   * How to replay.
   *
   * @param speedup trace milliseconds per wall-clock millisecond (3600: an hour of trace a second)
   * @param maxObjectBytes writes larger than this are cut to it (in the simulation too)
   * @param maxRequests replay at most this many requests of the workload
   * @param settle how long to wait, after a request, for the copies it began to be ready
   */
  public record Settings(double speedup, long maxObjectBytes, long maxRequests, Duration settle) {}

  /** Dollars by kind, as the gateway's metrics and the simulator split them. */
  public record Costs(double storageUsd, double egressUsd, double requestUsd) {

    static final Costs ZERO = new Costs(0, 0, 0);

    public double totalUsd() {
      return storageUsd + egressUsd + requestUsd;
    }

    Costs plus(Costs o) {
      return new Costs(
          storageUsd + o.storageUsd, egressUsd + o.egressUsd, requestUsd + o.requestUsd);
    }

    Costs minus(Costs o) {
      return new Costs(
          storageUsd - o.storageUsd, egressUsd - o.egressUsd, requestUsd - o.requestUsd);
    }
  }

  /**
   * One policy's outcome.
   *
   * @param policy the policy's spec
   * @param predicted what the simulator says the requests cost under the policy
   * @param measured what the gateway's cost metrics counted while it served them
   * @param explained measured minus predicted, for the causes the replay knows (see the class)
   * @param predictedReads GETs of existing objects in the simulation, and of those, hits
   * @param predictedHits GETs the simulation served from the reader's region
   * @param measuredReads GETs the gateway answered from a region's copy
   * @param measuredHits of those, GETs answered from the reader's region
   * @param headsElsewhere HEADs answered from a copy in another region than the issuing one
   * @param writesElsewhere writes stored in another region than the one that received them
   * @param retries requests the gateway answered more than the replay sent (the S3 client's retries
   *     of requests that timed out or failed; the gateway prices each attempt)
   */
  public record PolicyOutcome(
      String policy,
      Costs predicted,
      Costs measured,
      Costs explained,
      long predictedReads,
      long predictedHits,
      long measuredReads,
      long measuredHits,
      long headsElsewhere,
      long writesElsewhere,
      long retries) {

    /** Measured minus explained minus predicted: what the replay cannot account for. */
    public Costs residual() {
      return measured.minus(explained).minus(predicted);
    }

    /**
     * Whether each kind's residual is within {@code relative} of the prediction (or of a thousandth
     * of a micro-dollar, for kinds that cost next to nothing).
     */
    public boolean agrees(double relative) {
      Costs r = residual();
      return within(r.storageUsd(), predicted.storageUsd(), relative)
          && within(r.egressUsd(), predicted.egressUsd(), relative)
          && within(r.requestUsd(), predicted.requestUsd(), relative);
    }

    private static boolean within(double residual, double predicted, double relative) {
      return Math.abs(residual) <= Math.max(relative * Math.abs(predicted), 1e-9);
    }
  }

  /**
   * What a replay did.
   *
   * @param regions the region labels, in workload order
   * @param requests requests replayed per policy
   * @param objects distinct objects
   * @param traceMs the trace time the requests span
   * @param behindMs how far behind schedule the replay fell at worst, ms
   * @param seconds wall-clock time of the whole replay
   */
  public record Report(
      List<String> regions,
      List<PolicyOutcome> outcomes,
      long requests,
      long objects,
      long traceMs,
      long behindMs,
      double seconds) {

    /** A table for the terminal: per policy and kind, predicted, measured, explained, residual. */
    public String describe() {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT,
              "gateway replay: %,d requests of %,d objects over %s, %.2f h of trace, in %.1f s"
                  + " per all policies (at worst %,d ms behind schedule)%n",
              requests,
              objects,
              String.join(", ", regions),
              traceMs / 3.6e6,
              seconds,
              behindMs));
      b.append(
          String.format(
              Locale.ROOT,
              "%-16s %-9s %14s %14s %14s %12s%n",
              "policy",
              "cost",
              "predicted $",
              "measured $",
              "explained $",
              "residual $"));
      for (PolicyOutcome o : outcomes) {
        Costs r = o.residual();
        row(
            b,
            o.policy(),
            "storage",
            o.predicted().storageUsd(),
            o.measured().storageUsd(),
            o.explained().storageUsd(),
            r.storageUsd());
        row(
            b,
            "",
            "egress",
            o.predicted().egressUsd(),
            o.measured().egressUsd(),
            o.explained().egressUsd(),
            r.egressUsd());
        row(
            b,
            "",
            "requests",
            o.predicted().requestUsd(),
            o.measured().requestUsd(),
            o.explained().requestUsd(),
            r.requestUsd());
        row(
            b,
            "",
            "total",
            o.predicted().totalUsd(),
            o.measured().totalUsd(),
            o.explained().totalUsd(),
            r.totalUsd());
        b.append(
            String.format(
                Locale.ROOT,
                "%-16s reads %,d (hits %,d) predicted, %,d (hits %,d) measured;"
                    + " %,d HEADs and %,d writes priced in another region, %,d retries%n",
                "",
                o.predictedReads(),
                o.predictedHits(),
                o.measuredReads(),
                o.measuredHits(),
                o.headsElsewhere(),
                o.writesElsewhere(),
                o.retries()));
      }
      return b.toString();
    }

    private static void row(
        StringBuilder b,
        String policy,
        String kind,
        double predicted,
        double measured,
        double explained,
        double residual) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-16s %-9s %14.8f %14.8f %14.8f %12.2e%n",
              policy,
              kind,
              predicted,
              measured,
              explained,
              residual));
    }
  }

  /** A clock the replay sets: the trace time of the request being replayed. */
  static final class ReplayClock extends Clock {
    private volatile Instant now;

    ReplayClock(long ms) {
      now = Instant.ofEpochMilli(ms);
    }

    void set(long ms) {
      now = Instant.ofEpochMilli(ms);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** The requests to replay, in order, with the names of their objects. */
  record Workload(RequestBatch requests, KeyInterner keys) {
    long firstMs() {
      return requests.size() == 0 ? 0 : requests.timestampMs[0];
    }

    long endMs() {
      return requests.size() == 0 ? 0 : requests.timestampMs[requests.size() - 1];
    }
  }

  private final GatewayConfig deployment;
  private final Path workDir;

  /**
   * @param deployment the regions (labels, stores, prices), access keys and region data of the
   *     gateways to start; its database and buckets are not used (each policy gets a new embedded
   *     namespace under {@code workDir} and one bucket, {@value #BUCKET}); endpoints listen on free
   *     ports of the configured hosts
   * @param workDir where the namespaces go
   */
  public GatewayReplay(GatewayConfig deployment, Path workDir) {
    if (deployment.accessKeys().isEmpty()) {
      throw new IllegalArgumentException("the gateway configuration needs an access key");
    }
    this.deployment = deployment;
    this.workDir = workDir;
  }

  /** The region labels, in configuration (and workload) order. */
  public List<String> regions() {
    return deployment.regions().stream().map(RegionConfig::label).toList();
  }

  /** Replays {@code trace} under each policy (specs as the gateway's config takes them). */
  public Report run(Path trace, WorkloadType type, long seed, List<String> policies, Settings s)
      throws Exception {
    long started = System.nanoTime();
    List<String> labels = regions();
    for (String p : policies) {
      PlacementPolicies.parse(p, labels); // refuses what cannot run live, before anything starts
    }
    Workload w = workload(trace, labels, type, seed, s);
    CostModel model = deployment.costModel();
    List<PolicyOutcome> outcomes = new ArrayList<>();
    long behind = 0;
    for (int i = 0; i < policies.size(); i++) {
      String spec = policies.get(i);
      Policy policy = PlacementPolicies.parse(spec, labels);
      Simulator sim = Simulator.of(policy, model, w.firstMs());
      sim.process(w.requests());
      sim.finish(w.endMs());
      PolicyResult predicted = sim.result();
      Live live = new Live(spec, policy, model, w, s, workDir.resolve("policy-" + i));
      live.run();
      behind = Math.max(behind, live.behindMs);
      outcomes.add(
          new PolicyOutcome(
              spec,
              new Costs(predicted.storageUsd(), predicted.networkUsd(), predicted.requestUsd()),
              live.measured,
              live.explained,
              predicted.reads(),
              predicted.hits(),
              live.reads,
              live.hits,
              live.headsElsewhere,
              live.writesElsewhere,
              live.retries));
    }
    return new Report(
        labels,
        outcomes,
        w.requests().size(),
        w.keys().size(),
        w.endMs() - w.firstMs(),
        behind,
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Reads the workload: regions given to an IBM trace's requests, listings and other operations
   * left out, sizes capped, at most {@code s.maxRequests()} requests, and each timestamp at least
   * the one before (a trace's out-of-order lines count as simultaneous with the line before).
   */
  static Workload workload(
      Path trace, List<String> regions, WorkloadType type, long seed, Settings s)
      throws IOException {
    KeyInterner keys = new KeyInterner();
    WorkloadGenerator gen = new WorkloadGenerator(type, seed, regions.size());
    RequestBatch raw = new RequestBatch(1 << 12);
    RequestBatch assigned = new RequestBatch(2 << 12);
    List<long[]> rows = new ArrayList<>();
    long last = Long.MIN_VALUE;
    try (TraceReader reader = TraceReader.open(trace, keys, regions, false)) {
      outer:
      while (reader.next(raw)) {
        RequestBatch b = raw;
        if (reader.format() == TraceReader.Format.IBM) {
          gen.assign(raw, assigned);
          b = assigned;
        }
        for (int i = 0; i < b.size(); i++) {
          if (b.op[i] == Op.OTHER) {
            continue;
          }
          if (rows.size() >= s.maxRequests()) {
            break outer;
          }
          last = Math.max(last, b.timestampMs[i]);
          rows.add(
              new long[] {
                b.seq[i],
                last,
                b.op[i],
                b.region[i],
                b.object[i],
                b.keyHash[i],
                Math.min(b.size[i], s.maxObjectBytes())
              });
        }
      }
    }
    RequestBatch all = new RequestBatch(Math.max(1, rows.size()));
    for (long[] r : rows) {
      all.add(r[0], r[1], (int) r[2], (int) r[3], (int) r[4], r[5], r[6]);
    }
    return new Workload(all, keys);
  }

  /** One policy's replay through a gateway of its own. */
  private final class Live {
    final String spec;
    final Policy policy;
    final CostModel model;
    final Workload w;
    final Settings s;
    final Path dir;
    final ReplayClock clock;
    Costs measured = Costs.ZERO;
    Costs explained = Costs.ZERO;
    long reads;
    long hits;
    long headsElsewhere;
    long writesElsewhere;
    long retries;
    long behindMs;
    final Map<String, Long> sent = new HashMap<>();

    Live(String spec, Policy policy, CostModel model, Workload w, Settings s, Path dir) {
      this.spec = spec;
      this.policy = policy;
      this.model = model;
      this.w = w;
      this.s = s;
      this.dir = dir;
      this.clock = new ReplayClock(w.firstMs());
    }

    void run() throws Exception {
      List<String> labels = regions();
      List<RegionConfig> regions = new ArrayList<>();
      for (RegionConfig r : deployment.regions()) {
        regions.add(
            new RegionConfig(r.label(), r.host(), 0, r.store(), r.settings(), r.pricesAs()));
      }
      GatewayConfig config =
          new GatewayConfig(
              dir.resolve("namespace").toString(),
              regions,
              List.of(new BucketConfig(BUCKET, spec)),
              spec,
              deployment.accessKeys(),
              deployment.regionData(),
              deployment.lease());
      AccessKey key = deployment.accessKeys().get(0);
      Map<Integer, S3Client> clients = new HashMap<>();
      Map<Integer, String> uploads = new HashMap<>();
      Map<Integer, Integer> parts = new HashMap<>();
      Set<String> written = new LinkedHashSet<>();
      try (Gateway gateway = Gateway.start(config, clock)) {
        try {
          for (int r = 0; r < labels.size(); r++) {
            clients.put(r, client(gateway.endpoint(labels.get(r)), key));
          }
          // Trace PARTs are parts of one upload per region, begun before the costs are read.
          for (int r = 0; r < labels.size(); r++) {
            String k = "replay-parts/" + labels.get(r);
            uploads.put(
                r, clients.get(r).createMultipartUpload(b -> b.bucket(BUCKET).key(k)).uploadId());
            parts.put(r, 0);
          }
          Costs before = costs(gateway);
          long[] readsBefore = reads(gateway);
          Map<String, Long> answeredBefore = answered(gateway);
          long wallStart = System.nanoTime();
          RequestBatch q = w.requests();
          for (int i = 0; i < q.size(); i++) {
            long ts = q.timestampMs[i];
            long due = wallStart + (long) ((ts - w.firstMs()) / s.speedup() * 1e6);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } else {
              behindMs = Math.max(behindMs, -wait / 1_000_000);
            }
            evictUntil(gateway, ts);
            clock.set(ts);
            int r = q.region[i];
            String objectKey = w.keys().key(q.object[i]);
            S3Client c = clients.get(r);
            String operation =
                switch (q.op[i]) {
                  case Op.PUT -> "PutObject";
                  case Op.PART -> "UploadPart";
                  case Op.GET -> "GetObject";
                  case Op.HEAD -> "HeadObject";
                  case Op.DELETE -> "DeleteObject";
                  default -> null;
                };
            if (operation != null) {
              sent.merge(labels.get(r) + " " + operation, 1L, Long::sum);
            }
            long seed = q.seq[i] ^ q.keyHash[i];
            switch (q.op[i]) {
              case Op.PUT -> {
                long size = q.size[i];
                c.putObject(
                    b -> b.bucket(BUCKET).key(objectKey).contentLength(size),
                    RequestBody.fromContentProvider(
                        () -> new GeneratedContent(seed, size), size, "application/octet-stream"));
                written.add(objectKey);
                wroteIn(r, size);
              }
              case Op.PART -> {
                long size = q.size[i];
                int n = parts.merge(r, 1, Integer::sum);
                if (n > 10_000) {
                  throw new IllegalStateException("more than 10,000 parts in one region");
                }
                String k = "replay-parts/" + labels.get(r);
                c.uploadPart(
                    b -> b.bucket(BUCKET).key(k).uploadId(uploads.get(r)).partNumber(n),
                    RequestBody.fromContentProvider(
                        () -> new GeneratedContent(seed, size), size, "application/octet-stream"));
                wroteIn(r, size);
              }
              case Op.GET -> {
                try (ResponseInputStream<GetObjectResponse> in =
                    c.getObject(b -> b.bucket(BUCKET).key(objectKey))) {
                  in.transferTo(OutputStream.nullOutputStream());
                } catch (NoSuchKeyException gone) {
                  // priced as a GET in the reader's region, as the simulator prices it
                }
              }
              case Op.HEAD -> {
                try {
                  HeadObjectResponse h = c.headObject(b -> b.bucket(BUCKET).key(objectKey));
                  headServedFrom(h).ifPresent(from -> headIn(r, from));
                } catch (NoSuchKeyException gone) {
                  // the simulator prices it the same: a GET request in the issuing region
                } catch (S3Exception e) {
                  if (e.statusCode() != 404) {
                    throw e;
                  }
                }
              }
              case Op.DELETE -> c.deleteObject(b -> b.bucket(BUCKET).key(objectKey));
              default -> {}
            }
            settle(gateway);
            gateway.evictNow();
            gateway.metrics().registry().scrape(); // storage accrues up to now
          }
          evictUntil(gateway, w.endMs());
          clock.set(w.endMs());
          gateway.evictNow();
          measured = costs(gateway).minus(before);
          long[] readsAfter = reads(gateway);
          reads = readsAfter[0] - readsBefore[0];
          hits = readsAfter[1] - readsBefore[1];
          explainRetries(answeredBefore, answered(gateway));
          cleanUp(clients, uploads, written, labels);
        } finally {
          clients.values().forEach(S3Client::close);
        }
      }
    }

    /** A write received in region {@code r}: the simulator prices it where the policy stores it. */
    private void wroteIn(int r, long size) {
      int home = policy.homeRegion(r);
      if (home == r) {
        return;
      }
      writesElsewhere++;
      explained =
          explained.plus(
              new Costs(0, -model.egressUsd(r, home, size), model.putUsd(r) - model.putUsd(home)));
    }

    /** A HEAD issued in region {@code r}, answered from a copy in {@code from}. */
    private void headIn(int r, String from) {
      int f = model.indexOf(from);
      if (f < 0 || f == r) {
        return;
      }
      headsElsewhere++;
      explained = explained.plus(new Costs(0, 0, model.getUsd(f) - model.getUsd(r)));
    }

    /**
     * Prices, as the gateway does, the requests it answered beyond those the replay sent: attempts
     * the S3 client made again after a timeout or an error (GETs priced in the issuing region).
     */
    private void explainRetries(Map<String, Long> before, Map<String, Long> after) {
      List<String> labels = regions();
      for (Map.Entry<String, Long> e : after.entrySet()) {
        long extra =
            e.getValue() - before.getOrDefault(e.getKey(), 0L) - sent.getOrDefault(e.getKey(), 0L);
        if (extra <= 0) {
          continue;
        }
        String region = e.getKey().substring(0, e.getKey().indexOf(' '));
        String operation = e.getKey().substring(region.length() + 1);
        int r = labels.indexOf(region);
        retries += extra;
        if (r < 0 || operation.startsWith("Delete")) {
          continue;
        }
        boolean read = operation.startsWith("Get") || operation.startsWith("Head");
        double each = read ? model.getUsd(r) : model.putUsd(r);
        explained = explained.plus(new Costs(0, 0, extra * each));
      }
    }

    /** Steps the clock to each copy deadline before {@code ts} and evicts what expired there. */
    private void evictUntil(Gateway gateway, long ts) {
      while (true) {
        Optional<Instant> next = gateway.nextCopyDeadline();
        if (next.isEmpty() || next.get().toEpochMilli() >= ts) {
          return;
        }
        // A copy is expired once its deadline has passed (as in the simulator).
        clock.set(next.get().toEpochMilli() + 1);
        gateway.metrics().registry().scrape(); // storage up to the deadline, at what was held
        gateway.evictNow();
        gateway.metrics().registry().scrape();
      }
    }

    /** Waits until the copies the last request began are ready. */
    private void settle(Gateway gateway) throws InterruptedException {
      long deadline = System.nanoTime() + s.settle().toNanos();
      while (gateway.copiesPending() > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "copies still pending " + s.settle() + " after a request under " + spec);
        }
        Thread.sleep(2);
      }
    }

    /** Removes what the replay wrote (deletes are free: the costs are read already). */
    private void cleanUp(
        Map<Integer, S3Client> clients,
        Map<Integer, String> uploads,
        Set<String> written,
        List<String> labels) {
      S3Client c = clients.get(0);
      for (String k : written) {
        c.deleteObject(b -> b.bucket(BUCKET).key(k));
      }
      uploads.forEach(
          (r, id) ->
              clients
                  .get(r)
                  .abortMultipartUpload(
                      b -> b.bucket(BUCKET).key("replay-parts/" + labels.get(r)).uploadId(id)));
      c.deleteBucket(b -> b.bucket(BUCKET));
    }
  }

  private static Optional<String> headServedFrom(HeadObjectResponse h) {
    return h.sdkHttpResponse().firstMatchingHeader("x-skyrelay-served-from");
  }

  private static S3Client client(URI endpoint, AccessKey key) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(key.id(), key.secret())))
        .build();
  }

  /** The gateway's running cost, by kind, summed over regions (reading it accrues storage). */
  private static Costs costs(Gateway gateway) {
    MetricSnapshots snaps = gateway.metrics().registry().scrape();
    Map<String, Double> byKind = new LinkedHashMap<>();
    for (MetricSnapshot m : snaps) {
      if (m instanceof CounterSnapshot c && c.getMetadata().getName().equals(COST_METRIC)) {
        for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
          byKind.merge(d.getLabels().get("kind"), d.getValue(), Double::sum);
        }
      }
    }
    return new Costs(
        byKind.getOrDefault("storage", 0.0),
        byKind.getOrDefault("egress", 0.0),
        byKind.getOrDefault("requests", 0.0));
  }

  /** Requests the gateway answered, by "region operation", whatever their status. */
  private static Map<String, Long> answered(Gateway gateway) {
    Map<String, Long> out = new HashMap<>();
    for (MetricSnapshot m : gateway.metrics().registry().scrape()) {
      if (m instanceof CounterSnapshot c && c.getMetadata().getName().equals(REQUESTS_METRIC)) {
        for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
          String k = d.getLabels().get("region") + " " + d.getLabels().get("operation");
          out.merge(k, (long) d.getValue(), Long::sum);
        }
      }
    }
    return out;
  }

  /** Object reads the gateway answered from a region's copy, and of those the hits. */
  private static long[] reads(Gateway gateway) {
    long[] out = new long[2];
    for (MetricSnapshot m : gateway.metrics().registry().scrape()) {
      if (m instanceof CounterSnapshot c && c.getMetadata().getName().equals(READS_METRIC)) {
        for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
          String kind = d.getLabels().get("kind");
          if (kind.equals("hit") || kind.equals("remote")) {
            out[0] += (long) d.getValue();
          }
          if (kind.equals("hit")) {
            out[1] += (long) d.getValue();
          }
        }
      }
    }
    return out;
  }
}
