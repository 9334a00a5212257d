package io.skyrelay.service.exports;

import io.skyrelay.service.Json;
import io.skyrelay.service.db.ServiceDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The export requests table and their waiters. A request is submitted by its normalised spec: while
 * an identical request is open (queued or running) the caller joins it as a waiter; a waiter who
 * leaves is removed, and a request left with no waiter is cancelled (its job stops). Every state
 * change is one transaction, so a restarted service finds each request where it was.
 */
public final class ExportRequests {

  private static final String UNIQUE_VIOLATION = "23505";

  private final ServiceDatabase db;

  public ExportRequests(ServiceDatabase db) {
    this.db = db;
  }

  /** The outcome of a submission: the request, and whether the caller joined an open one. */
  public record Submission(ExportRequest request, boolean joined) {}

  /** Submits {@code spec} for {@code account}: joins the identical open request or queues one. */
  public Submission submit(ExportSpec spec, String account) {
    String key = spec.key();
    String hash = sha256(key);
    for (int attempt = 0; ; attempt++) {
      try {
        return db.transaction(
            c -> {
              String open = openRequest(c, hash);
              if (open != null) {
                addWaiter(c, open, account);
                return new Submission(read(c, open).orElseThrow(), true);
              }
              String id = UUID.randomUUID().toString();
              long now = System.currentTimeMillis();
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO export_requests (id, dataset, spec_key, spec, status, progress,"
                          + " objects, rows_written, bytes, created_by, created_millis,"
                          + " updated_millis) VALUES (?, ?, ?, ?, 'queued', 0, 0, 0, 0, ?, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, spec.dataset());
                s.setString(3, key);
                s.setString(4, key);
                s.setString(5, account);
                s.setLong(6, now);
                s.setLong(7, now);
                s.executeUpdate();
              }
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO open_exports (spec_hash, request_id) VALUES (?, ?)")) {
                s.setString(1, hash);
                s.setString(2, id);
                s.executeUpdate();
              }
              addWaiter(c, id, account);
              return new Submission(read(c, id).orElseThrow(), false);
            });
      } catch (IllegalStateException e) {
        // Another submission of the same spec committed first: join it on the next attempt.
        if (attempt < 3 && e.getCause() instanceof SQLException sql && raced(sql)) {
          continue;
        }
        throw e;
      }
    }
  }

  /** The request {@code id}. */
  public Optional<ExportRequest> find(String id) {
    return db.transaction(c -> read(c, id));
  }

  /** The requests {@code account} waits for or made, newest first; all of them for null. */
  public List<ExportRequest> list(String account) {
    return db.transaction(
        c -> {
          String sql =
              account == null
                  ? "SELECT id FROM export_requests ORDER BY created_millis DESC, id"
                  : "SELECT id FROM export_requests r WHERE r.created_by = ? OR EXISTS (SELECT 1"
                      + " FROM export_waiters w WHERE w.request_id = r.id AND w.account = ?)"
                      + " ORDER BY created_millis DESC, id";
          List<String> ids = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql)) {
            if (account != null) {
              s.setString(1, account);
              s.setString(2, account);
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
          }
          List<ExportRequest> all = new ArrayList<>();
          for (String id : ids) {
            read(c, id).ifPresent(all::add);
          }
          return all;
        });
  }

  /**
   * Removes {@code account} from the waiters of request {@code id}; when nobody waits any more and
   * the request is open, it is cancelled.
   *
   * @return the request afterwards, or empty when the account was not waiting for it
   */
  public Optional<ExportRequest> leave(String id, String account) {
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM export_waiters WHERE request_id = ? AND account = ?")) {
            s.setString(1, id);
            s.setString(2, account);
            if (s.executeUpdate() == 0) {
              return Optional.<ExportRequest>empty();
            }
          }
          if (read(c, id).map(r -> r.waiters().isEmpty() && r.open()).orElse(false)) {
            close(c, id, "cancelled", "cancelled: nobody waits for this export any more", null);
          }
          return read(c, id);
        });
  }

  /** Takes the oldest queued request and marks it running; empty when none is queued. */
  public Optional<ExportRequest> claimNext() {
    return db.transaction(
        c -> {
          List<String> queued = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT id FROM export_requests WHERE status = 'queued'"
                          + " ORDER BY created_millis, id");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              queued.add(rs.getString(1));
            }
          }
          for (String id : queued) {
            try (PreparedStatement s =
                c.prepareStatement(
                    "UPDATE export_requests SET status = 'running', updated_millis = ?"
                        + " WHERE id = ? AND status = 'queued'")) {
              s.setLong(1, System.currentTimeMillis());
              s.setString(2, id);
              if (s.executeUpdate() == 1) {
                return read(c, id);
              }
            }
          }
          return Optional.<ExportRequest>empty();
        });
  }

  /** Records a running request's progress; false when it is no longer running (cancelled). */
  public boolean progress(String id, double progress, long objects, long rows, long bytes) {
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE export_requests SET progress = ?, objects = ?, rows_written = ?,"
                      + " bytes = ?, updated_millis = ? WHERE id = ? AND status = 'running'")) {
            s.setDouble(1, Math.max(0, Math.min(1, progress)));
            s.setLong(2, objects);
            s.setLong(3, rows);
            s.setLong(4, bytes);
            s.setLong(5, System.currentTimeMillis());
            s.setString(6, id);
            return s.executeUpdate() == 1;
          }
        });
  }

  /** Marks a running request done, with where its result is. */
  public boolean done(String id, String resultKey) {
    return db.transaction(c -> close(c, id, "done", null, resultKey));
  }

  /** Marks a running request failed, with the reason. */
  public boolean failed(String id, String message) {
    return db.transaction(c -> close(c, id, "failed", message, null));
  }

  /** Puts requests left running by a stopped service back in the queue; returns how many. */
  public int requeueRunning() {
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE export_requests SET status = 'queued', progress = 0, updated_millis = ?"
                      + " WHERE status = 'running'")) {
            s.setLong(1, System.currentTimeMillis());
            return s.executeUpdate();
          }
        });
  }

  private static boolean close(
      Connection c, String id, String status, String message, String resultKey)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE export_requests SET status = ?, message = ?, result_key = ?,"
                + " progress = CASE WHEN CAST(? AS VARCHAR(20)) = 'done' THEN 1 ELSE progress END, updated_millis = ?"
                + " WHERE id = ? AND status IN ('queued', 'running')")) {
      s.setString(1, status);
      s.setString(2, message);
      s.setString(3, resultKey);
      s.setString(4, status);
      s.setLong(5, System.currentTimeMillis());
      s.setString(6, id);
      if (s.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM open_exports WHERE request_id = ?")) {
      s.setString(1, id);
      s.executeUpdate();
    }
    return true;
  }

  private static String openRequest(Connection c, String hash) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT request_id FROM open_exports WHERE spec_hash = ?")) {
      s.setString(1, hash);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void addWaiter(Connection c, String id, String account) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM export_waiters WHERE request_id = ? AND account = ?")) {
      s.setString(1, id);
      s.setString(2, account);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO export_waiters (request_id, account, joined_millis) VALUES (?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, account);
      s.setLong(3, System.currentTimeMillis());
      s.executeUpdate();
    }
  }

  private static Optional<ExportRequest> read(Connection c, String id) throws SQLException {
    List<String> waiters = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT account FROM export_waiters WHERE request_id = ?"
                + " ORDER BY joined_millis, account")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          waiters.add(rs.getString(1));
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("SELECT * FROM export_requests WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new ExportRequest(
                id,
                rs.getString("dataset"),
                Json.read(rs.getString("spec")),
                rs.getString("status"),
                rs.getDouble("progress"),
                rs.getLong("objects"),
                rs.getLong("rows_written"),
                rs.getLong("bytes"),
                rs.getString("message"),
                rs.getString("result_key"),
                rs.getString("created_by"),
                rs.getLong("created_millis"),
                rs.getLong("updated_millis"),
                List.copyOf(waiters)));
      }
    }
  }

  /** Whether {@code e} (or a cause) is a unique-key violation: another writer won a race. */
  private static boolean raced(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
