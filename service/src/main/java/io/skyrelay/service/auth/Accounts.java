package io.skyrelay.service.auth;

import io.skyrelay.service.db.ServiceDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The accounts table: created by {@code skyrelay serve account add}, read on every request. */
public final class Accounts {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");

  private final ServiceDatabase db;

  public Accounts(ServiceDatabase db) {
    this.db = db;
  }

  /**
   * Adds {@code name} with {@code role}, or changes the role of an existing account.
   *
   * @return whether the account is new
   */
  public boolean put(String name, Role role) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid account name '"
              + name
              + "': letters, digits, '.', '_', '@' and '-', at most 100 characters");
    }
    return db.transaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement("UPDATE accounts SET role = ? WHERE name = ?")) {
            update.setString(1, role.name());
            update.setString(2, name);
            if (update.executeUpdate() == 1) {
              return false;
            }
          }
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO accounts (name, role, created_millis) VALUES (?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, role.name());
            insert.setLong(3, System.currentTimeMillis());
            insert.executeUpdate();
          }
          return true;
        });
  }

  /** The account named {@code name}, if there is one. */
  public Optional<Account> find(String name) {
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT role FROM accounts WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Account(name, Role.valueOf(rs.getString(1))))
                  : Optional.<Account>empty();
            }
          }
        });
  }

  /** All accounts, by name. */
  public List<Account> list() {
    return db.transaction(
        c -> {
          List<Account> all = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement("SELECT name, role FROM accounts ORDER BY name");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              all.add(new Account(rs.getString(1), Role.valueOf(rs.getString(2))));
            }
          }
          return all;
        });
  }
}
