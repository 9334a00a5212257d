package io.skyrelay.service.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The service's database, as the gateway keeps its namespace: an embedded H2 file database by
 * default, PostgreSQL through a HikariCP pool for a shared deployment, the schema brought up to
 * date by Flyway's versioned migrations ({@code db/service}) when opened. PostgreSQL's credentials
 * come from the URL's {@code user} and {@code password} parameters, else from {@code PGUSER} and
 * {@code PGPASSWORD}; the password never appears in a message.
 */
public final class ServiceDatabase implements AutoCloseable {

  private static final Pattern URL_PASSWORD =
      Pattern.compile("((?i)[?&;]password=)[^&;]*|(//[^/@:]*:)[^/@]*@");

  private final DataSource dataSource;
  private final Runnable close;

  private ServiceDatabase(DataSource dataSource, Runnable close) {
    this.dataSource = dataSource;
    this.close = close;
  }

  /** Opens {@code jdbcUrl} with credentials from the URL or the process environment. */
  public static ServiceDatabase open(String jdbcUrl) {
    return open(jdbcUrl, System.getenv());
  }

  /**
   * Opens {@code jdbcUrl} ({@code jdbc:h2:...} or {@code jdbc:postgresql://...}) and migrates its
   * schema.
   *
   * @throws IllegalStateException when the database cannot be reached or refuses the credentials
   */
  public static ServiceDatabase open(String jdbcUrl, Map<String, String> env) {
    ServiceDatabase db;
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "sa", "");
      pool.setMaxConnections(32);
      db = new ServiceDatabase(pool, pool::dispose);
    } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      // The user and password leave the URL, so that no pool, driver or log line sees them in it.
      Map<String, String> params = new java.util.LinkedHashMap<>();
      int q = jdbcUrl.indexOf('?');
      String base = q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
      if (q >= 0) {
        for (String param : jdbcUrl.substring(q + 1).split("&")) {
          int eq = param.indexOf('=');
          if (!param.isEmpty()) {
            params.put(
                eq < 0 ? param : param.substring(0, eq),
                eq < 0
                    ? ""
                    : java.net.URLDecoder.decode(
                        param.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
          }
        }
      }
      String user = params.containsKey("user") ? params.remove("user") : env.get("PGUSER");
      String password =
          params.containsKey("password") ? params.remove("password") : env.get("PGPASSWORD");
      StringBuilder url = new StringBuilder(base);
      String sep = "?";
      for (Map.Entry<String, String> e : params.entrySet()) {
        url.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = "&";
      }
      HikariConfig config = new HikariConfig();
      config.setPoolName("skyrelay-service");
      config.setJdbcUrl(url.toString());
      config.setUsername(user);
      config.setPassword(password);
      config.setMaximumPoolSize(8);
      config.setMinimumIdle(1);
      try {
        HikariDataSource pool = new HikariDataSource(config);
        db = new ServiceDatabase(pool, pool::close);
      } catch (RuntimeException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
          t = t.getCause();
        }
        String reason = String.valueOf(t.getMessage());
        if (password != null && !password.isEmpty()) {
          reason = reason.replace(password, "****");
        }
        // The cause is left out: its messages may quote the password.
        throw new IllegalStateException(
            "cannot connect to the service database " + redact(jdbcUrl) + ": " + reason, null);
      }
    } else {
      throw new IllegalArgumentException(
          "unsupported service database "
              + redact(jdbcUrl)
              + ": give a jdbc:postgresql: or jdbc:h2: URL");
    }
    try {
      Flyway.configure()
          .dataSource(db.dataSource)
          .locations("classpath:db/service")
          .table("service_schema_history")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  /**
   * The H2 file database kept in {@code folder} (created when missing). H2's automatic mixed mode
   * lets a second process (the {@code account} and {@code token} commands) use the database while a
   * running service holds it open.
   */
  public static String embeddedUrl(java.nio.file.Path folder) {
    return "jdbc:h2:file:"
        + folder.toAbsolutePath().resolve("db").resolve("service")
        + ";AUTO_SERVER=TRUE";
  }

  /** The pool. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** A connection from the pool. */
  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** Work done inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws;
   * SQL errors come out as {@link IllegalStateException}.
   */
  public <T> T transaction(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("service database: " + e.getMessage(), e);
    }
  }

  /** {@code url} with its password (a {@code password=} parameter or user information) hidden. */
  public static String redact(String url) {
    return URL_PASSWORD
        .matcher(url)
        .replaceAll(m -> m.group(1) != null ? m.group(1) + "****" : m.group(2) + "****@");
  }

  @Override
  public void close() {
    close.run();
  }
}
