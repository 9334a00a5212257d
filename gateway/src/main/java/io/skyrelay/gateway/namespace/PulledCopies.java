package io.skyrelay.gateway.namespace;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The copies that reads place under a pull policy, in the namespace's tables: recorded pending
 * while their bytes are stored, ready when verified, with the deadline the policy gives them and
 * when they were last read; and the eviction of copies, which never takes a base copy nor the last
 * ready copy of a version. Evicted copies become pending deletion, and are removed like the copies
 * of an overwritten version.
 */
public final class PulledCopies {

  private final DataSource dataSource;

  public PulledCopies(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * A ready copy that is not a base copy, with what eviction needs.
   *
   * @param versionId its version
   * @param bucket the version's bucket
   * @param region where it is
   * @param size the version's size in bytes
   * @param expiresAt its deadline, or {@code null}
   * @param lastReadAt when a read last used it, or {@code null} for a copy placed by a write
   */
  public record HeldCopy(
      String versionId,
      String bucket,
      String region,
      long size,
      Instant expiresAt,
      Instant lastReadAt) {}

  /**
   * Records a pending copy of a ready version in {@code region}, pulled from {@code from} by a read
   * at {@code readAt}.
   *
   * @return false when the region has a copy (or one is being pulled) already, or the version is no
   *     longer ready: then nothing is to be stored
   */
  public boolean begin(
      String versionId,
      String region,
      String physicalKey,
      String from,
      Instant readAt,
      Instant expiresAt) {
    try {
      return tx(
          c -> {
            try (PreparedStatement i =
                c.prepareStatement(
                    "INSERT INTO physical_copies (version_id, region, physical_key, status,"
                        + " is_base, pulled_from, last_read_at, expires_at)"
                        + " SELECT version_id, CAST(? AS VARCHAR(100)), CAST(? AS VARCHAR(2000)),"
                        + " 'pending', FALSE, CAST(? AS VARCHAR(100)),"
                        + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE)"
                        + " FROM object_versions v WHERE v.version_id = ? AND v.status = 'ready'"
                        + " AND NOT EXISTS (SELECT 1 FROM physical_copies p"
                        + " WHERE p.version_id = v.version_id AND p.region = ?)")) {
              i.setString(1, region);
              i.setString(2, physicalKey);
              i.setString(3, from);
              i.setTimestamp(4, Timestamp.from(readAt));
              setInstant(i, 5, expiresAt);
              i.setString(6, versionId);
              i.setString(7, region);
              return i.executeUpdate() == 1;
            }
          });
    } catch (NamespaceException e) {
      if (e.getCause() instanceof SQLException s && s.getSQLState().startsWith("23")) {
        return false; // another read began the same copy at the same time
      }
      throw e;
    }
  }

  /**
   * Marks a pulled copy ready after its bytes were stored and verified, if its version is still the
   * ready one.
   *
   * @return false when the version was overwritten or deleted meanwhile (the caller removes what it
   *     stored)
   */
  public boolean ready(String versionId, String region, Instant storedAt) {
    return tx(
        c -> {
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE physical_copies SET status = 'ready', stored_at = ?"
                      + " WHERE version_id = ? AND region = ? AND status = 'pending'"
                      + " AND EXISTS (SELECT 1 FROM object_versions v"
                      + " WHERE v.version_id = physical_copies.version_id"
                      + " AND v.status = 'ready')")) {
            u.setTimestamp(1, Timestamp.from(storedAt));
            u.setString(2, versionId);
            u.setString(3, region);
            return u.executeUpdate() == 1;
          }
        });
  }

  /** Forgets a pulled copy whose bytes could not be stored (the caller removed what it wrote). */
  public void abort(String versionId, String region) {
    tx(
        c -> {
          try (PreparedStatement d =
              c.prepareStatement(
                  "DELETE FROM physical_copies WHERE version_id = ? AND region = ?"
                      + " AND status = 'pending' AND is_base = FALSE")) {
            d.setString(1, versionId);
            d.setString(2, region);
            d.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Records a read at {@code readAt} of the copy in {@code region}, if it is a pulled copy: its
   * last read becomes {@code readAt}, and its deadline what {@code deadline} gives for the region
   * it was pulled from ({@code null}: keep the deadline it has).
   */
  public void touch(
      String versionId,
      String region,
      Instant readAt,
      Function<String, Optional<Instant>> deadline) {
    tx(
        c -> {
          String from;
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT pulled_from FROM physical_copies WHERE version_id = ? AND region = ?")) {
            q.setString(1, versionId);
            q.setString(2, region);
            try (ResultSet rs = q.executeQuery()) {
              from = rs.next() ? rs.getString(1) : null;
            }
          }
          if (from == null) {
            return null; // placed by a write: kept as the policy keeps those
          }
          Optional<Instant> until = deadline == null ? null : deadline.apply(from);
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE physical_copies SET last_read_at = ?"
                      + (until != null ? ", expires_at = ?" : "")
                      + " WHERE version_id = ? AND region = ?")) {
            int k = 1;
            u.setTimestamp(k++, Timestamp.from(readAt));
            if (until != null) {
              setInstant(u, k++, until.orElse(null));
            }
            u.setString(k++, versionId);
            u.setString(k, region);
            u.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Ready copies other than base copies whose deadline is before {@code now}, at most {@code max}.
   */
  public List<HeldCopy> expired(Instant now, int max) {
    return held(
        " AND c.expires_at IS NOT NULL AND c.expires_at < ? ORDER BY c.expires_at"
            + " FETCH FIRST "
            + max
            + " ROWS ONLY",
        now,
        null,
        null);
  }

  /**
   * The pulled, ready copies of a bucket's ready versions in one region, least recently read first.
   */
  public List<HeldCopy> pulledIn(String bucket, String region) {
    return held(
        " AND c.pulled_from IS NOT NULL AND v.bucket = ? AND c.region = ?"
            + " ORDER BY c.last_read_at, c.version_id",
        null,
        bucket,
        region);
  }

  private List<HeldCopy> held(String where, Instant before, String bucket, String region) {
    return tx(
        c -> {
          List<HeldCopy> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT c.version_id, v.bucket, c.region, v.size_bytes, c.expires_at,"
                      + " c.last_read_at FROM physical_copies c JOIN object_versions v"
                      + " ON v.version_id = c.version_id WHERE c.status = 'ready'"
                      + " AND c.is_base = FALSE AND v.status = 'ready'"
                      + where)) {
            int k = 1;
            if (before != null) {
              q.setTimestamp(k++, Timestamp.from(before));
            }
            if (bucket != null) {
              q.setString(k++, bucket);
              q.setString(k, region);
            }
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                Timestamp expires = rs.getTimestamp(5);
                Timestamp read = rs.getTimestamp(6);
                out.add(
                    new HeldCopy(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        expires == null ? null : expires.toInstant(),
                        read == null ? null : read.toInstant()));
              }
            }
          }
          return out;
        });
  }

  /**
   * Evicts a ready copy: it becomes pending deletion, unless it is a base copy or its version has
   * no other ready copy.
   *
   * @return whether it was evicted
   */
  public boolean evict(String versionId, String region) {
    return tx(
        c -> {
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE physical_copies SET status = 'pending_deletion'"
                      + " WHERE version_id = ? AND region = ? AND status = 'ready'"
                      + " AND is_base = FALSE AND EXISTS (SELECT 1 FROM physical_copies o"
                      + " WHERE o.version_id = physical_copies.version_id"
                      + " AND o.region <> physical_copies.region AND o.status = 'ready')")) {
            u.setString(1, versionId);
            u.setString(2, region);
            return u.executeUpdate() == 1;
          }
        });
  }

  private static void setInstant(PreparedStatement s, int i, Instant at) throws SQLException {
    s.setTimestamp(i, at == null ? null : Timestamp.from(at));
  }

  /** Runs {@code work} in one transaction, committed when it returns. */
  private <T> T tx(Transactions.Work<T> work) {
    return Transactions.run(dataSource, work);
  }
}
