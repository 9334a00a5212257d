package io.skyrelay.service;

import io.skyrelay.connectors.testing.PostgresServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void aRefusedPasswordIsNeverShown() {
    String secret = "not-the-Password-81x";
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                io.skyrelay.service.db.ServiceDatabase.open(
                    postgres.jdbcUrl("postgres") + "?user=skyrelay&password=" + secret,
                    java.util.Map.of()));
    org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains(secret), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("password=****") && e.getMessage().contains("authentication"),
        e.getMessage());
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
