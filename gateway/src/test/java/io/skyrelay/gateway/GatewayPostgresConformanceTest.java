package io.skyrelay.gateway;

import io.skyrelay.connectors.testing.PostgresServer;
import java.nio.file.Path;

/** The S3 connector's conformance suite against a gateway whose namespace is in PostgreSQL. */
class GatewayPostgresConformanceTest extends GatewayConformanceTest {

  private PostgresServer postgres;

  @Override
  protected String database(Path dir) throws Exception {
    postgres = PostgresServer.start();
    postgres.createDatabase("conformance");
    return postgres.jdbcUrlWithCredentials("conformance");
  }

  @Override
  protected void stopServer() throws Exception {
    try {
      super.stopServer();
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }
}
