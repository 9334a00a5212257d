package io.skyrelay.service;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a service runs.
 *
 * @param folder the service folder: the signing key, the embedded database, work files and (by
 *     default) the exports
 * @param jdbcUrl the database, or null for the H2 file database in the folder
 * @param host the address to listen on
 * @param port the port, 0 for any free one
 * @param exportLocation the store URI exports are written under, or null for {@code exports/} in
 *     the folder
 * @param publicUrl the URL users reach the service at (for links), or null for {@code
 *     http://host:port}
 * @param linkTtl how long a download link stays valid
 * @param runExports whether this service runs export jobs; without, requests wait in the queue for
 *     a service that does (several services may share one PostgreSQL database, one running jobs)
 */
public record ServiceConfig(
    Path folder,
    String jdbcUrl,
    String host,
    int port,
    String exportLocation,
    String publicUrl,
    Duration linkTtl,
    boolean runExports) {

  /** A service in {@code folder} on loopback, with every other setting at its default. */
  public static ServiceConfig inFolder(Path folder, int port) {
    return new ServiceConfig(
        folder, null, "127.0.0.1", port, null, null, Duration.ofHours(1), true);
  }

  /** This config with export jobs run or not. */
  public ServiceConfig withRunExports(boolean run) {
    return new ServiceConfig(folder, jdbcUrl, host, port, exportLocation, publicUrl, linkTtl, run);
  }

  /** This config with another port. */
  public ServiceConfig withPort(int newPort) {
    return new ServiceConfig(
        folder, jdbcUrl, host, newPort, exportLocation, publicUrl, linkTtl, runExports);
  }

  /** The database URL, the embedded one when none was given. */
  public String database() {
    return jdbcUrl != null ? jdbcUrl : io.skyrelay.service.db.ServiceDatabase.embeddedUrl(folder);
  }

  /** The export location, {@code exports/} in the folder when none was given. */
  public String exports() {
    return exportLocation != null
        ? exportLocation
        : "file://" + folder.toAbsolutePath().resolve("exports");
  }
}
