package io.skyrelay.service;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every API test again with the service's database on PostgreSQL (Debian's server, started by
 * {@link PostgresServer}), a new database for each test.
 */
class ServicePostgresApiTest extends ServiceApiTest {

  private static PostgresServer postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private String url;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  String jdbcUrl() {
    if (url == null) {
      String name = "service_" + DATABASES.incrementAndGet();
      try {
        postgres.createDatabase(name);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
      url = postgres.jdbcUrlWithCredentials(name);
    }
    return url;
  }
}
