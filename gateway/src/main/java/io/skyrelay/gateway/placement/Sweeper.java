package io.skyrelay.gateway.placement;

import io.skyrelay.gateway.namespace.Leases;
import io.skyrelay.gateway.namespace.Leases.Abandoned;
import io.skyrelay.gateway.namespace.Leases.Claimed;
import io.skyrelay.gateway.namespace.Leases.Copy;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.ObjectVersion;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this gateway's lease alive and resolves what gateways that are gone left behind: writes
 * they had begun (rolled back: rows and bytes removed) and replicas they still owed (taken over and
 * filled here). A sweep runs at the start, before the endpoints listen, and then every half lease;
 * the lease is renewed every third of its duration. Writes of gateways whose lease holds are never
 * touched, so several gateways can share one namespace.
 */
public final class Sweeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

  /** What one sweep did. */
  public record Result(int writesRolledBack, int replicasTakenOver) {}

  private final Namespace namespace;
  private final Leases leases;
  private final String gatewayId;
  private final String holder;
  private final Map<String, RegionStore> regions;
  private final Replicator replicator;
  private final ScheduledExecutorService timer;

  public Sweeper(
      Namespace namespace,
      Leases leases,
      String holder,
      Map<String, RegionStore> regions,
      Replicator replicator) {
    this.namespace = namespace;
    this.leases = leases;
    this.gatewayId = namespace.writer();
    this.holder = holder;
    this.regions = Map.copyOf(regions);
    this.replicator = replicator;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gateway-sweeper");
              t.setDaemon(true);
              return t;
            });
  }

  /** Sweeps once now, then renews the lease and sweeps regularly. The lease must be held. */
  public void start() {
    sweep();
    long lease = leases.duration().toMillis();
    timer.scheduleAtFixedRate(
        this::renew, lease / 3, Math.max(1, lease / 3), TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        this::sweepQuietly, lease / 2, Math.max(1, lease / 2), TimeUnit.MILLISECONDS);
  }

  /**
   * Renews this gateway's lease, then rolls back the pending writes of gateways that are gone and
   * takes over the replicas they owed.
   */
  public Result sweep() {
    renew();
    int rolledBack = 0;
    for (String versionId : leases.abandonedWrites()) {
      var taken = leases.takeAbandonedWrite(versionId);
      if (taken.isEmpty()) {
        continue; // committed, resolved by another gateway, or its owner came back
      }
      Abandoned a = taken.get();
      for (Copy c : a.copies()) {
        RegionStore r = regions.get(c.region());
        if (r == null) {
          continue; // left pending deletion for a gateway that has that region
        }
        try {
          r.store().delete(c.physicalKey());
          namespace.copyRemoved(a.versionId(), c.region());
        } catch (RuntimeException e) {
          LOG.warn(
              "{}/{}: cannot remove the bytes of a cut-off write in {} yet: {}",
              a.bucket(),
              a.key(),
              c.region(),
              e.getMessage());
        }
      }
      rolledBack++;
      LOG.info("{}/{}: rolled back a write its gateway did not finish", a.bucket(), a.key());
    }
    int claimed = 0;
    for (Claimed v : leases.claimOrphanedReplicas(gatewayId)) {
      for (ObjectVersion full : namespace.versions(v.bucket(), v.key())) {
        if (full.versionId().equals(v.versionId())) {
          replicator.replicate(full);
          claimed++;
        }
      }
    }
    leases.dropExpiredBefore(Duration.ofDays(1));
    return new Result(rolledBack, claimed);
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn("sweeping the namespace failed: {}", e.getMessage());
    }
  }

  private void renew() {
    try {
      if (!leases.renew(gatewayId, holder)) {
        LOG.warn(
            "this gateway's lease had lapsed (stalled longer than {}?): its writes in progress may"
                + " have been rolled back by another gateway",
            leases.duration());
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot renew this gateway's lease: {}", e.getMessage());
    }
  }

  /** Stops sweeping and renewing, keeping the lease (it expires on its own). */
  public void stop() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops, and gives the lease up: other gateways may resolve what this one left at once. */
  @Override
  public void close() {
    stop();
    try {
      leases.release(gatewayId);
    } catch (RuntimeException e) {
      LOG.warn("cannot give up this gateway's lease (it expires on its own): {}", e.getMessage());
    }
  }
}
