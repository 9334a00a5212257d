package io.skyrelay.gateway.placement;

import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.PulledCopies;
import io.skyrelay.gateway.namespace.PulledCopies.HeldCopy;
import io.skyrelay.gateway.namespace.VirtualBucket;
import io.skyrelay.transforms.placement.Policy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evicts the copies a policy no longer keeps: those past their deadline (by the given clock), and,
 * for a bucket whose policy is {@code lru:SIZE}, the least recently read pulled copies of a region
 * while that bucket's pulled copies there exceed SIZE (the rule {@link Policy#exceedsCapacity}). A
 * base copy is never evicted, nor a version's last ready copy. Evicted copies become pending
 * deletion and the {@link Replicator} removes their bytes. Runs periodically once started, and on
 * demand.
 */
public final class Evictor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Evictor.class);
  private static final int BATCH = 500;

  private final Namespace namespace;
  private final PulledCopies pulled;
  private final Replicator replicator;
  private final List<String> labels;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  public Evictor(
      Namespace namespace,
      PulledCopies pulled,
      Replicator replicator,
      List<String> labels,
      Clock clock) {
    this.namespace = namespace;
    this.pulled = pulled;
    this.replicator = replicator;
    this.labels = List.copyOf(labels);
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gateway-evictor");
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@link #evictNow} every {@code period}. */
  public void start(Duration period) {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            evictNow();
          } catch (RuntimeException e) {
            LOG.warn("eviction failed: {}", e.toString());
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Evicts the expired copies and every LRU bucket's overflow, then removes their bytes.
   *
   * @return how many copies were evicted
   */
  public synchronized int evictNow() {
    int evicted = 0;
    while (true) {
      List<HeldCopy> batch = pulled.expired(clock.instant(), BATCH);
      int now = 0;
      for (HeldCopy c : batch) {
        if (pulled.evict(c.versionId(), c.region())) {
          now++;
        }
      }
      evicted += now;
      if (batch.size() < BATCH || now == 0) {
        break;
      }
    }
    for (VirtualBucket b : namespace.buckets()) {
      Policy p;
      try {
        p = PlacementPolicies.parse(b.policy(), labels);
      } catch (IllegalArgumentException e) {
        continue; // a bucket whose policy names regions no longer configured keeps its copies
      }
      if (p.kind() == Policy.Kind.LRU) {
        for (String region : labels) {
          evicted += overflow(b.name(), p, region);
        }
      }
    }
    if (evicted > 0) {
      replicator.removeObsoleteNow();
    }
    return evicted;
  }

  /** Evicts the LRU overflow of one bucket in one region, and removes the bytes soon. */
  synchronized void evictOverflow(String bucket, Policy policy, String region) {
    try {
      if (overflow(bucket, policy, region) > 0) {
        replicator.removeObsoleteSoon();
      }
    } catch (RuntimeException e) {
      LOG.warn("evicting in {} failed: {}", region, e.toString());
    }
  }

  private int overflow(String bucket, Policy policy, String region) {
    List<HeldCopy> held = pulled.pulledIn(bucket, region); // least recently read first
    long used = 0;
    for (HeldCopy c : held) {
      used += c.size();
    }
    int evicted = 0;
    for (int i = 0; i < held.size() && policy.exceedsCapacity(used); i++) {
      HeldCopy c = held.get(i);
      if (pulled.evict(c.versionId(), c.region())) {
        used -= c.size();
        evicted++;
      }
    }
    return evicted;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
