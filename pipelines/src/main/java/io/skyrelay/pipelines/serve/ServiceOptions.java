package io.skyrelay.pipelines.serve;

import io.skyrelay.service.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where a service keeps its state: the options {@code serve} and its subcommands share. */
final class ServiceOptions {

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "The service folder: signing key (service.key, mode 600), embedded database, work files"
              + " and exports. Default: ${DEFAULT-VALUE}.",
      defaultValue = "${sys:user.home}/.skyrelay/serve")
  Path dir;

  @Option(
      names = "--database",
      paramLabel = "JDBC_URL",
      description =
          "The database: jdbc:postgresql://HOST:PORT/DB for a shared deployment (credentials from"
              + " the URL or PGUSER/PGPASSWORD). Default: an H2 file database in the folder.")
  String database;

  ServiceConfig config(
      String host, int port, String exportLocation, String publicUrl, boolean run) {
    return new ServiceConfig(
        dir, database, host, port, exportLocation, publicUrl, Duration.ofHours(1), run);
  }

  ServiceConfig config() {
    return config("127.0.0.1", 0, null, null, true);
  }
}
