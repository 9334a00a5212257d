package io.skyrelay.service.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.service.Json;
import io.skyrelay.service.db.ServiceDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The datasets table with its tags and columns: create, read, search, record a profile. */
public final class Catalogue {

  private final ServiceDatabase db;

  public Catalogue(ServiceDatabase db) {
    this.db = db;
  }

  /**
   * Adds a dataset (profile pending).
   *
   * @return false when a dataset of that name exists already
   */
  public boolean add(Dataset d, String createdBy) {
    return db.transaction(
        c -> {
          try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM datasets WHERE name = ?")) {
            s.setString(1, d.name());
            try (ResultSet rs = s.executeQuery()) {
              if (rs.next()) {
                return false;
              }
            }
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO datasets (name, description, owners, store_uri, format,"
                      + " profile_status, created_by, created_millis)"
                      + " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)")) {
            s.setString(1, d.name());
            s.setString(2, d.description());
            s.setString(3, Json.write(d.owners()));
            s.setString(4, d.uri());
            s.setString(5, d.format());
            s.setString(6, createdBy);
            s.setLong(7, System.currentTimeMillis());
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement("INSERT INTO dataset_tags (dataset, tag) VALUES (?, ?)")) {
            for (String tag : d.tags().stream().distinct().toList()) {
              s.setString(1, d.name());
              s.setString(2, tag);
              s.executeUpdate();
            }
          }
          return true;
        });
  }

  /** The dataset named {@code name}. */
  public Optional<Dataset> find(String name) {
    return db.transaction(
        c -> {
          try (PreparedStatement s = c.prepareStatement("SELECT * FROM datasets WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(read(c, rs)) : Optional.<Dataset>empty();
            }
          }
        });
  }

  /**
   * Datasets matching every given criterion (null ones are ignored): {@code text} in the name or
   * description (any case), a tag equal to {@code tag}, a column named {@code column} (any case).
   */
  public List<Dataset> search(String text, String tag, String column) {
    StringBuilder sql = new StringBuilder("SELECT * FROM datasets d WHERE 1 = 1");
    List<String> args = new ArrayList<>();
    if (text != null && !text.isBlank()) {
      sql.append(
          " AND (LOWER(d.name) LIKE ? ESCAPE '!' OR LOWER(d.description) LIKE ? ESCAPE '!')");
      String like = "%" + likeEscape(text.toLowerCase(Locale.ROOT)) + "%";
      args.add(like);
      args.add(like);
    }
    if (tag != null && !tag.isBlank()) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM dataset_tags t WHERE t.dataset = d.name AND t.tag = ?)");
      args.add(tag);
    }
    if (column != null && !column.isBlank()) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM dataset_columns k WHERE k.dataset = d.name"
              + " AND LOWER(k.name) = ?)");
      args.add(column.toLowerCase(Locale.ROOT));
    }
    sql.append(" ORDER BY d.name");
    return db.transaction(
        c -> {
          List<Dataset> found = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              s.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                found.add(read(c, rs));
              }
            }
          }
          return found;
        });
  }

  /** Marks the dataset's profile as being made. */
  public void profiling(String name) {
    setStatus(name, "running", null);
  }

  /** Marks the dataset's profile as failed, with the reason. */
  public void profileFailed(String name, String message) {
    setStatus(name, "failed", message);
  }

  /** Records a finished profile, and the columns found for a tabular dataset. */
  public void profiled(String name, JsonNode profile, List<Column> columns) {
    db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE datasets SET profile_status = 'done', profile_message = NULL,"
                      + " profile = ?, profiled_millis = ? WHERE name = ?")) {
            s.setString(1, Json.write(profile));
            s.setLong(2, System.currentTimeMillis());
            s.setString(3, name);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM dataset_columns WHERE dataset = ?")) {
            s.setString(1, name);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO dataset_columns (dataset, position, name, type) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < columns.size(); i++) {
              s.setString(1, name);
              s.setInt(2, i);
              s.setString(3, columns.get(i).name());
              s.setString(4, columns.get(i).type().name());
              s.executeUpdate();
            }
          }
          return null;
        });
  }

  /** Names of datasets whose profile was being made (a restart makes them again). */
  public List<String> unfinishedProfiles() {
    return db.transaction(
        c -> {
          List<String> names = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT name FROM datasets WHERE profile_status IN ('pending', 'running')"
                          + " ORDER BY name");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              names.add(rs.getString(1));
            }
          }
          return names;
        });
  }

  private void setStatus(String name, String status, String message) {
    db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE datasets SET profile_status = ?, profile_message = ? WHERE name = ?")) {
            s.setString(1, status);
            s.setString(2, message);
            s.setString(3, name);
            s.executeUpdate();
          }
          return null;
        });
  }

  private static Dataset read(Connection c, ResultSet rs) throws SQLException {
    String name = rs.getString("name");
    List<String> tags = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement("SELECT tag FROM dataset_tags WHERE dataset = ? ORDER BY tag")) {
      s.setString(1, name);
      try (ResultSet t = s.executeQuery()) {
        while (t.next()) {
          tags.add(t.getString(1));
        }
      }
    }
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT name, type FROM dataset_columns WHERE dataset = ? ORDER BY position")) {
      s.setString(1, name);
      try (ResultSet t = s.executeQuery()) {
        while (t.next()) {
          columns.add(new Column(t.getString(1), ColumnType.valueOf(t.getString(2))));
        }
      }
    }
    List<String> owners = new ArrayList<>();
    Json.read(rs.getString("owners")).forEach(o -> owners.add(o.asText()));
    return new Dataset(
        name,
        rs.getString("description"),
        owners,
        tags,
        rs.getString("store_uri"),
        rs.getString("format"),
        rs.getString("profile_status"),
        rs.getString("profile_message"),
        Json.read(rs.getString("profile")),
        columns);
  }

  private static String likeEscape(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
