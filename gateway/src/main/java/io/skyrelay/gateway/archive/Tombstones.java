package io.skyrelay.gateway.archive;

import io.skyrelay.gateway.namespace.NamespaceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Keys deleted through the gateway in buckets with an archive tier, and when (table {@code
 * archive_tombstones}, migration V5): an archive copy last modified at or before its key's
 * tombstone is hidden, so a deleted object never comes back from the archive, even where the
 * archive copy could not be removed. Thread-safe.
 */
public final class Tombstones {

  private final DataSource dataSource;

  public Tombstones(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records that {@code key} was deleted at {@code at} (a later delete moves the time on). */
  public void put(String bucket, String key, Instant at) {
    try {
      upsert(bucket, key, at);
    } catch (SQLException first) {
      // Two deletes of one key raced to insert: the row exists now, so the update takes.
      try {
        upsert(bucket, key, at);
      } catch (SQLException e) {
        throw new NamespaceException("namespace database: " + e.getMessage(), e);
      }
    }
  }

  private void upsert(String bucket, String key, Instant at) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement u =
          c.prepareStatement(
              "UPDATE archive_tombstones SET deleted_at = ? WHERE bucket = ? AND object_key = ?")) {
        u.setTimestamp(1, Timestamp.from(at));
        u.setString(2, bucket);
        u.setString(3, key);
        if (u.executeUpdate() > 0) {
          return;
        }
      }
      try (PreparedStatement i =
          c.prepareStatement(
              "INSERT INTO archive_tombstones (bucket, object_key, deleted_at) VALUES (?, ?, ?)")) {
        i.setString(1, bucket);
        i.setString(2, key);
        i.setTimestamp(3, Timestamp.from(at));
        i.executeUpdate();
      }
    }
  }

  /** The tombstones of those of {@code keys} that have one. */
  public Map<String, Instant> of(String bucket, Collection<String> keys) {
    Map<String, Instant> out = new HashMap<>();
    List<String> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += 500) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
      String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
      try (Connection c = dataSource.getConnection();
          PreparedStatement q =
              c.prepareStatement(
                  "SELECT object_key, deleted_at FROM archive_tombstones WHERE bucket = ?"
                      + " AND object_key IN ("
                      + marks
                      + ")")) {
        q.setString(1, bucket);
        for (int i = 0; i < chunk.size(); i++) {
          q.setString(i + 2, chunk.get(i));
        }
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
          }
        }
      } catch (SQLException e) {
        throw new NamespaceException("namespace database: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** Whether an archive copy of {@code key} last modified at {@code modified} is hidden. */
  static boolean hides(Instant tombstone, Instant modified) {
    return tombstone != null && (modified == null || !modified.isAfter(tombstone));
  }
}
