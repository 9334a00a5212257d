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
      HikariConfig config = new HikariConfig();
      config.setPoolName("skyrelay-service");
      String password = env.get("PGPASSWORD");
      config.setJdbcUrl(jdbcUrl);
      if (!jdbcUrl.contains("user=") && env.get("PGUSER") != null) {
        config.setUsername(env.get("PGUSER"));
      }
      if (!jdbcUrl.contains("password=") && password != null) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(8);
      config.setMinimumIdle(1);
      try {
        HikariDataSource pool = new HikariDataSource(config);
        db = new ServiceDatabase(pool, pool::close);
      } catch (RuntimeException e) {
        // The driver's message may quote the URL; only the redacted URL is told.
        throw new IllegalStateException(
            "cannot connect to the service database " + redact(jdbcUrl), null);
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
