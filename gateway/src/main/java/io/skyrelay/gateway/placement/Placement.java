package io.skyrelay.gateway.placement;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.gateway.namespace.CopyStatus;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.namespace.PhysicalCopy;
import io.skyrelay.gateway.namespace.PulledCopies;
import io.skyrelay.transforms.placement.AdaptiveTtl;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement policies of the virtual buckets, run live: each decision is the replay simulator's
 * own ({@link Policy}, priced by a {@link CostModel} over the deployment's regions in configuration
 * order). Where a write's base copy goes, which regions it is replicated to, which copy serves a
 * read, and, under a pull policy, the copy a read elsewhere leaves in the reader's region ({@link
 * PullingStream}) and the deadline a hit gives it. Thread-safe.
 */
public final class Placement implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

  /** Objects whose last read per region {@code adaptive} remembers, per bucket policy. */
  private static final int READS_REMEMBERED = 100_000;

  private final List<String> labels;
  private final CostModel model;
  private final Clock clock;
  private final Map<String, RegionStore> regions;
  private final PulledCopies pulled;
  private final Evictor evictor;
  private final ExecutorService storer;
  private final Map<String, Live> policies = new ConcurrentHashMap<>();
  private volatile PullListener pulledListener = region -> {};

  /** Told of every copy a read stores in the reader's region (one PUT there). */
  public interface PullListener {
    void stored(String region);
  }

  /** Tells {@code listener} of every copy reads store from now on. */
  public void onPulled(PullListener listener) {
    this.pulledListener = listener;
  }

  /**
   * @param labels the region labels, in configuration order
   * @param model prices between those regions, in that order
   * @param clock the time deadlines are set by and compared with
   */
  public Placement(
      List<String> labels,
      CostModel model,
      Clock clock,
      Map<String, RegionStore> regions,
      PulledCopies pulled,
      Evictor evictor) {
    this.labels = List.copyOf(labels);
    this.model = model;
    this.clock = clock;
    this.regions = Map.copyOf(regions);
    this.pulled = pulled;
    this.evictor = evictor;
    this.storer =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "gateway-pulled-copies");
              t.setDaemon(true);
              return t;
            });
  }

  /** A policy with what it learns while it runs ({@code adaptive}'s TTLs). */
  private final class Live {
    final Policy policy;
    final AdaptiveTtl adaptive;
    final LinkedHashMap<String, Long> lastRead;

    Live(Policy policy) {
      this.policy = policy;
      this.adaptive = policy.kind() == Policy.Kind.ADAPTIVE_TTL ? new AdaptiveTtl(model) : null;
      this.lastRead =
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
              return size() > READS_REMEMBERED;
            }
          };
    }

    /** The deadline of a copy pulled from {@code from} into {@code reader} and read now. */
    synchronized Optional<Instant> deadline(long nowMs, String from, String reader) {
      int s = labels.indexOf(from);
      int r = labels.indexOf(reader);
      if (s < 0 || r < 0) {
        return Optional.empty();
      }
      long d = policy.deadline(nowMs, s, r, model, adaptive);
      return d >= Policy.FOREVER - 1 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(d));
    }

    /** Lets {@code adaptive} learn the gap since the last read of the version in {@code reader}. */
    synchronized void observe(ObjectVersion v, String from, String reader, long nowMs) {
      if (adaptive == null || reader.equals(v.baseRegion())) {
        return;
      }
      Long last = lastRead.put(v.versionId() + "@" + reader, nowMs);
      int s = labels.indexOf(from);
      int r = labels.indexOf(reader);
      if (last != null && s >= 0 && r >= 0) {
        adaptive.observe(s, r, Math.max(0, nowMs - last));
      }
    }
  }

  private Live live(String spec) {
    return policies.computeIfAbsent(spec, s -> new Live(PlacementPolicies.parse(s, labels)));
  }

  /** The policy of a spec. */
  public Policy policy(String spec) {
    return live(spec).policy;
  }

  /** The region that stores a write received in {@code writer}: its own, or {@code single}'s. */
  public String homeRegion(String spec, String writer) {
    int w = labels.indexOf(writer);
    return w < 0 ? writer : labels.get(policy(spec).homeRegion(w));
  }

  /** The regions a write stored in {@code home} is replicated to, in configuration order. */
  public List<String> replicasAfterWrite(String spec, String home) {
    Policy p = policy(spec);
    int h = labels.indexOf(home);
    List<String> out = new ArrayList<>();
    for (int r = 0; r < labels.size(); r++) {
      if (p.pushesTo(r, h)) {
        out.add(labels.get(r));
      }
    }
    return out;
  }

  /**
   * The copy a reader in {@code reader} is served from: among the version's ready, unexpired
   * copies, its own region's, else the cheapest to read from its region (GET price and egress, then
   * latency).
   */
  public Optional<PhysicalCopy> copyToRead(String reader, ObjectVersion v) {
    Instant now = clock.instant();
    long holders = 0;
    for (PhysicalCopy c : v.copies()) {
      int i = labels.indexOf(c.region());
      boolean unexpired = c.expiresAt() == null || !c.expiresAt().isBefore(now);
      if (i >= 0
          && c.status() == CopyStatus.READY
          && unexpired
          && regions.containsKey(c.region())) {
        holders |= 1L << i;
      }
    }
    if (holders == 0) {
      return Optional.empty();
    }
    int r = labels.indexOf(reader);
    int from =
        r < 0 ? Long.numberOfTrailingZeros(holders) : model.servingRegion(holders, r, v.size());
    String region = labels.get(from);
    return v.copies().stream().filter(c -> c.region().equals(region)).findFirst();
  }

  /**
   * A read of {@code v} in {@code reader}: the copy to serve it from, and the stream to serve it
   * with. A hit on a copy a read placed records the read (and, under a TTL policy, restarts the
   * copy's clock). A complete read from another region under a pull policy streams through a tee
   * that stores a copy in the reader's region when the last byte went by; a read that ends early
   * leaves nothing.
   *
   * @param spec the bucket's policy
   * @param range the bytes asked for, or {@code null} for all
   * @return the region served from and the body, or empty when no copy is readable
   */
  public Optional<Served> read(String spec, ObjectVersion v, String reader, ByteRange range) {
    Optional<PhysicalCopy> chosen = copyToRead(reader, v);
    if (chosen.isEmpty()) {
      return Optional.empty();
    }
    PhysicalCopy copy = chosen.get();
    Live live = live(spec);
    long nowMs = clock.millis();
    Instant now = Instant.ofEpochMilli(nowMs);
    InputStream body =
        v.size() == 0
            ? InputStream.nullInputStream()
            : regions.get(copy.region()).store().read(copy.physicalKey(), range, null);
    if (copy.region().equals(reader)) {
      if (!copy.base()) {
        try {
          pulled.touch(
              v.versionId(),
              reader,
              now,
              from -> {
                live.observe(v, from, reader, nowMs);
                return live.policy.refreshesOnHit() ? live.deadline(nowMs, from, reader) : null;
              });
        } catch (RuntimeException e) {
          LOG.warn(
              "{}/{}: cannot record a read in {}: {}", v.bucket(), v.key(), reader, e.toString());
        }
      }
      return Optional.of(new Served(copy.region(), body));
    }
    live.observe(v, copy.region(), reader, nowMs);
    RegionStore here = regions.get(reader);
    if (range != null
        || here == null
        || !live.policy.keepsCopyOnMiss()
        || !live.policy.admits(v.size())) {
      return Optional.of(new Served(copy.region(), body));
    }
    Instant expiresAt = live.deadline(nowMs, copy.region(), reader).orElse(null);
    boolean begun;
    try {
      begun =
          pulled.begin(v.versionId(), reader, copy.physicalKey(), copy.region(), now, expiresAt);
    } catch (RuntimeException e) {
      LOG.warn("{}/{}: cannot begin a copy in {}: {}", v.bucket(), v.key(), reader, e.toString());
      begun = false;
    }
    if (!begun) {
      return Optional.of(new Served(copy.region(), body)); // a copy is there or on its way
    }
    Runnable afterStored =
        live.policy.kind() == Policy.Kind.LRU
            ? () -> evictor.evictOverflow(v.bucket(), live.policy, reader)
            : () -> {};
    return Optional.of(
        new Served(
            copy.region(),
            new PullingStream(
                body,
                v,
                here,
                copy.physicalKey(),
                pulled,
                clock,
                storer,
                () -> pulledListener.stored(reader),
                afterStored)));
  }

  /**
   * A read being served.
   *
   * @param region the region of the copy it comes from
   * @param body the bytes
   */
  public record Served(String region, InputStream body) {}

  /** Waits for the copies being stored to finish, then stops. */
  @Override
  public void close() {
    storer.shutdown();
    try {
      if (!storer.awaitTermination(10, TimeUnit.SECONDS)) {
        storer.shutdownNow();
      }
    } catch (InterruptedException e) {
      storer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
