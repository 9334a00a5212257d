package io.skyrelay.gateway.namespace;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Totals over the namespace for the gateway's metrics, each one query. */
public final class NamespaceStatistics {

  /** Ready copies held by one region. */
  public record Held(long bytes, long copies) {}

  private final DataSource dataSource;

  public NamespaceStatistics(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Bytes and number of ready copies of ready or obsolete-but-not-yet-removed versions, by region.
   */
  public Map<String, Held> heldByRegion() {
    Map<String, Held> out = new LinkedHashMap<>();
    query(
        "SELECT p.region, COALESCE(SUM(v.size_bytes), 0), COUNT(*) FROM physical_copies p"
            + " JOIN object_versions v ON v.version_id = p.version_id"
            + " WHERE p.status = 'ready' GROUP BY p.region ORDER BY p.region",
        rs -> out.put(rs.getString(1), new Held(rs.getLong(2), rs.getLong(3))));
    return out;
  }

  /** Copies of ready versions still being filled. */
  public long pendingReplicas() {
    long[] n = new long[1];
    query(
        "SELECT COUNT(*) FROM physical_copies p JOIN object_versions v"
            + " ON v.version_id = p.version_id WHERE p.status = 'pending' AND v.status = 'ready'",
        rs -> n[0] = rs.getLong(1));
    return n[0];
  }

  /** The earliest deadline of a ready copy (one a read placed under a TTL policy), if any. */
  public Optional<Instant> nextDeadline() {
    Instant[] t = new Instant[1];
    query(
        "SELECT MIN(expires_at) FROM physical_copies WHERE status = 'ready'"
            + " AND expires_at IS NOT NULL",
        rs -> {
          Timestamp ts = rs.getTimestamp(1);
          t[0] = ts == null ? null : ts.toInstant();
        });
    return Optional.ofNullable(t[0]);
  }

  private interface Row {
    void read(ResultSet rs) throws SQLException;
  }

  private void query(String sql, Row row) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement q = c.prepareStatement(sql);
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        row.read(rs);
      }
    } catch (SQLException e) {
      throw new NamespaceException("namespace database: " + e.getMessage(), e);
    }
  }
}
