package io.skyrelay.gateway.namespace;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The connection pool of the namespace database: H2's own pool for the embedded file database, a
 * HikariCP pool for PostgreSQL. PostgreSQL's credentials come from the URL's {@code user} and
 * {@code password} parameters, else from the environment variables {@code PGUSER} and {@code
 * PGPASSWORD} (as PostgreSQL's own tools read them). The password never appears in a message: URLs
 * are shown with {@code password=****}, and a failed connection's error is told without it.
 */
public final class NamespaceDatabase implements AutoCloseable {

  private static final Pattern URL_PASSWORD =
      Pattern.compile("((?i)[?&;]password=)[^&;]*|(//[^/@:]*:)[^/@]*@");

  private final DataSource dataSource;
  private final Runnable close;
  private final boolean postgres;

  private NamespaceDatabase(DataSource dataSource, Runnable close, boolean postgres) {
    this.dataSource = dataSource;
    this.close = close;
    this.postgres = postgres;
  }

  /** Opens a pool for {@code jdbcUrl}, with credentials from the URL or the process environment. */
  public static NamespaceDatabase open(String jdbcUrl) {
    return open(jdbcUrl, System.getenv());
  }

  /**
   * Opens a pool for {@code jdbcUrl} ({@code jdbc:h2:...} or {@code jdbc:postgresql://...}); a
   * PostgreSQL URL without a user or password takes them from {@code env} ({@code PGUSER}, {@code
   * PGPASSWORD}). A PostgreSQL database is connected to at once, so a wrong address or password
   * fails here.
   *
   * @throws NamespaceException when the database cannot be reached or refuses the credentials
   */
  public static NamespaceDatabase open(String jdbcUrl, Map<String, String> env) {
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "sa", "");
      pool.setMaxConnections(64);
      return new NamespaceDatabase(pool, pool::dispose, false);
    }
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "unsupported namespace database "
              + redact(jdbcUrl)
              + ": give a jdbc:postgresql: or jdbc:h2: URL");
    }
    Credentials credentials = Credentials.of(jdbcUrl, env);
    HikariConfig config = new HikariConfig();
    config.setPoolName("gateway-namespace");
    config.setJdbcUrl(credentials.url());
    config.setUsername(credentials.user());
    config.setPassword(credentials.password());
    config.setMaximumPoolSize(16);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(30_000);
    try {
      HikariDataSource pool = new HikariDataSource(config);
      return new NamespaceDatabase(pool, pool::close, true);
    } catch (RuntimeException e) {
      throw new NamespaceException(
          "cannot connect to the namespace database "
              + redact(jdbcUrl)
              + ": "
              + scrub(reason(e), credentials.password()),
          mentions(e, credentials.password()) ? null : e);
    }
  }

  /** The pool. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Whether the database is PostgreSQL (several gateways may share it). */
  public boolean postgres() {
    return postgres;
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

  /**
   * The user and password of a PostgreSQL URL, and the URL without them (so that no pool, driver or
   * log line ever sees the password in a URL).
   */
  record Credentials(String url, String user, String password) {

    static Credentials of(String jdbcUrl, Map<String, String> env) {
      int q = jdbcUrl.indexOf('?');
      String base = q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
      String user = null;
      String password = null;
      List<String> kept = new ArrayList<>();
      if (q >= 0) {
        for (String param : jdbcUrl.substring(q + 1).split("&")) {
          int eq = param.indexOf('=');
          String name = eq < 0 ? param : param.substring(0, eq);
          String value =
              eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
          if (name.equalsIgnoreCase("user")) {
            user = value;
          } else if (name.equalsIgnoreCase("password")) {
            password = value;
          } else if (!param.isEmpty()) {
            kept.add(param);
          }
        }
      }
      if (user == null) {
        user = env.get("PGUSER");
      }
      if (password == null) {
        password = env.get("PGPASSWORD");
      }
      String url = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
      return new Credentials(url, user, password);
    }

    @Override
    public String toString() {
      return "Credentials[url=" + url + ", user=" + user + ", password=****]";
    }
  }

  /** The innermost message of {@code e}'s causes (the driver's own words). */
  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static String scrub(String message, String password) {
    return password == null || password.isEmpty() ? message : message.replace(password, "****");
  }

  private static boolean mentions(Throwable e, String password) {
    if (password == null || password.isEmpty()) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (String.valueOf(t.getMessage()).contains(password) || t.toString().contains(password)) {
        return true;
      }
    }
    return false;
  }
}
