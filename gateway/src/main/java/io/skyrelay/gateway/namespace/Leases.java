package io.skyrelay.gateway.namespace;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Gateway leases in the namespace database: which gateway processes are alive, and the writes they
 * own. Each gateway holds a lease it renews while it runs; every write it begins is recorded as its
 * own ({@link Namespace#open(DataSource, String)}). A pending write whose owner's lease has expired
 * was cut off by a crash and may be resolved by any gateway; one whose owner is alive is left to
 * it, however old it is. Several gateways may sweep at once: taking a write over is one conditional
 * update, so only one of them resolves it.
 *
 * <p>Time is the gateways' own clocks ({@code clock}): a lease must be longer than the clocks of
 * the hosts differ and than a gateway may stall (a garbage-collection pause, a lost database
 * connection), or a live gateway's write may be taken for cut off; its commit then fails and the
 * client is told so.
 */
public final class Leases {

  /**
   * A pending write taken over from a gateway that is gone: now pending deletion, its copies to be
   * removed.
   *
   * @param versionId the version
   * @param bucket its bucket
   * @param key its key
   * @param copies the copies that may hold (part of) its bytes
   */
  public record Abandoned(String versionId, String bucket, String key, List<Copy> copies) {}

  /** A copy of a version: in which region, under which physical key. */
  public record Copy(String region, String physicalKey) {}

  /** A ready version whose owed replicas a gateway took over; it fills them now. */
  public record Claimed(String versionId, String bucket, String key) {}

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration lease;

  public Leases(DataSource dataSource, Clock clock, Duration lease) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("a lease must be positive, got " + lease);
    }
    this.dataSource = dataSource;
    this.clock = clock;
    this.lease = lease;
  }

  /** How long a lease holds without renewal. */
  public Duration duration() {
    return lease;
  }

  /** Takes a lease for {@code gatewayId}, held by {@code holder} (host and process, for people). */
  public void acquire(String gatewayId, String holder) {
    Instant now = clock.instant();
    tx(
        c -> {
          try (PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO gateway_leases (gateway_id, holder, started_at, renewed_at,"
                      + " expires_at) VALUES (?, ?, ?, ?, ?)")) {
            i.setString(1, gatewayId);
            i.setString(2, holder.length() > 200 ? holder.substring(0, 200) : holder);
            i.setTimestamp(3, Timestamp.from(now));
            i.setTimestamp(4, Timestamp.from(now));
            i.setTimestamp(5, Timestamp.from(now.plus(lease)));
            i.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Renews the lease of {@code gatewayId} for another {@link #duration()}.
   *
   * @return false when it was no longer there (it lapsed and was dropped); it is taken anew
   */
  public boolean renew(String gatewayId, String holder) {
    Instant now = clock.instant();
    boolean renewed =
        tx(
            c -> {
              try (PreparedStatement u =
                  c.prepareStatement(
                      "UPDATE gateway_leases SET renewed_at = ?, expires_at = ?"
                          + " WHERE gateway_id = ?")) {
                u.setTimestamp(1, Timestamp.from(now));
                u.setTimestamp(2, Timestamp.from(now.plus(lease)));
                u.setString(3, gatewayId);
                return u.executeUpdate() == 1;
              }
            });
    if (!renewed) {
      acquire(gatewayId, holder);
    }
    return renewed;
  }

  /** Gives the lease up (a gateway stopping cleanly): its leftovers can be resolved at once. */
  public void release(String gatewayId) {
    update("DELETE FROM gateway_leases WHERE gateway_id = ?", gatewayId);
  }

  /**
   * Drops every lease but {@code gatewayId}'s: for an embedded database, which one process holds,
   * every other gateway that had a lease is gone.
   */
  public void dropAllBut(String gatewayId) {
    update("DELETE FROM gateway_leases WHERE gateway_id <> ?", gatewayId);
  }

  /** Drops the leases that expired more than {@code ago} before now (nothing refers to them). */
  public void dropExpiredBefore(Duration ago) {
    Instant cutoff = clock.instant().minus(ago);
    tx(
        c -> {
          try (PreparedStatement d =
              c.prepareStatement("DELETE FROM gateway_leases WHERE expires_at < ?")) {
            d.setTimestamp(1, Timestamp.from(cutoff));
            d.executeUpdate();
          }
          return null;
        });
  }

  /** The condition "the writer of version row v holds no live lease", with one parameter: now. */
  private static final String OWNER_GONE =
      " (v.writer IS NULL OR NOT EXISTS (SELECT 1 FROM gateway_leases l"
          + " WHERE l.gateway_id = v.writer AND l.expires_at > ?))";

  /**
   * The pending writes whose owner is gone (multipart uploads excepted: they outlive their gateway,
   * see {@link Namespace#uploadsBefore}).
   */
  public List<String> abandonedWrites() {
    Instant now = clock.instant();
    return tx(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT v.version_id FROM object_versions v WHERE v.status = 'pending'"
                      + " AND v.version_id NOT IN (SELECT upload_id FROM multipart_uploads)"
                      + " AND"
                      + OWNER_GONE)) {
            q.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  /**
   * Takes over a pending write whose owner is gone: it and its copies become pending deletion (a
   * reader never saw it; the copies' bytes are then removed like an overwritten version's). Nothing
   * happens if it was committed, resolved or its owner renewed its lease meanwhile.
   *
   * @return what was taken over, or empty
   */
  public Optional<Abandoned> takeAbandonedWrite(String versionId) {
    Instant now = clock.instant();
    return tx(
        c -> {
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE object_versions v SET status = 'pending_deletion'"
                      + " WHERE v.version_id = ? AND v.status = 'pending'"
                      + " AND v.version_id NOT IN (SELECT upload_id FROM multipart_uploads)"
                      + " AND"
                      + OWNER_GONE)) {
            u.setString(1, versionId);
            u.setTimestamp(2, Timestamp.from(now));
            if (u.executeUpdate() != 1) {
              return Optional.<Abandoned>empty();
            }
          }
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE physical_copies SET status = 'pending_deletion' WHERE version_id = ?")) {
            u.setString(1, versionId);
            u.executeUpdate();
          }
          String bucket;
          String key;
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT bucket, object_key FROM object_versions WHERE version_id = ?")) {
            q.setString(1, versionId);
            try (ResultSet rs = q.executeQuery()) {
              rs.next();
              bucket = rs.getString(1);
              key = rs.getString(2);
            }
          }
          List<Copy> copies = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT region, physical_key FROM physical_copies WHERE version_id = ?"
                      + " ORDER BY region")) {
            q.setString(1, versionId);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                copies.add(new Copy(rs.getString(1), rs.getString(2)));
              }
            }
          }
          return Optional.of(new Abandoned(versionId, bucket, key, copies));
        });
  }

  /**
   * Takes over the replicas still owed of ready versions whose owner is gone: {@code gatewayId}
   * becomes their owner (so that no other gateway fills them too) and is to fill them.
   *
   * @return the versions taken over
   */
  public List<Claimed> claimOrphanedReplicas(String gatewayId) {
    Instant now = clock.instant();
    List<Claimed> candidates =
        tx(
            c -> {
              List<Claimed> out = new ArrayList<>();
              try (PreparedStatement q =
                  c.prepareStatement(
                      "SELECT v.version_id, v.bucket, v.object_key FROM object_versions v"
                          + " WHERE v.status = 'ready' AND EXISTS (SELECT 1 FROM physical_copies p"
                          + " WHERE p.version_id = v.version_id AND p.status = 'pending') AND"
                          + OWNER_GONE)) {
                q.setTimestamp(1, Timestamp.from(now));
                try (ResultSet rs = q.executeQuery()) {
                  while (rs.next()) {
                    out.add(new Claimed(rs.getString(1), rs.getString(2), rs.getString(3)));
                  }
                }
              }
              return out;
            });
    List<Claimed> claimed = new ArrayList<>();
    for (Claimed v : candidates) {
      boolean mine =
          tx(
              c -> {
                try (PreparedStatement u =
                    c.prepareStatement(
                        "UPDATE object_versions v SET writer = ? WHERE v.version_id = ?"
                            + " AND v.status = 'ready' AND"
                            + OWNER_GONE)) {
                  u.setString(1, gatewayId);
                  u.setString(2, v.versionId());
                  u.setTimestamp(3, Timestamp.from(now));
                  return u.executeUpdate() == 1;
                }
              });
      if (mine) {
        claimed.add(v);
      }
    }
    return claimed;
  }

  private void update(String sql, String arg) {
    tx(
        c -> {
          try (PreparedStatement u = c.prepareStatement(sql)) {
            u.setString(1, arg);
            u.executeUpdate();
          }
          return null;
        });
  }

  /** Runs {@code work} in one transaction, committed when it returns. */
  private <T> T tx(Transactions.Work<T> work) {
    return Transactions.run(dataSource, work);
  }
}
