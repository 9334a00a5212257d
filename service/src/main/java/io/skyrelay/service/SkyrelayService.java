package io.skyrelay.service;

import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.service.auth.Accounts;
import io.skyrelay.service.auth.Signer;
import io.skyrelay.service.catalogue.Catalogue;
import io.skyrelay.service.catalogue.Dataset;
import io.skyrelay.service.catalogue.ProfileJob;
import io.skyrelay.service.db.ServiceDatabase;
import io.skyrelay.service.exports.ExportRequests;
import io.skyrelay.service.exports.ExportRunner;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue and export service ({@code skyrelay serve}): the database, the HTTP API on Jetty,
 * the profiling of datasets and the runner of export requests, started together and stopped
 * together. Jobs run on Beam's embedded runner in this process.
 */
public final class SkyrelayService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SkyrelayService.class);

  private final ServiceConfig config;
  private final ServiceDatabase db;
  private final Catalogue catalogue;
  private final ExportRequests requests;
  private final ExportRunner runner;
  private final ExecutorService profiler;
  private final Server server;
  private final ServerConnector connector;

  private SkyrelayService(ServiceConfig config) {
    this.config = config;
    try {
      Files.createDirectories(config.folder());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the service folder " + config.folder(), e);
    }
    Signer signer = Signer.inFolder(config.folder());
    this.db = ServiceDatabase.open(config.database());
    this.catalogue = new Catalogue(db);
    this.requests = new ExportRequests(db);
    StoreLocation exportRoot = exportRoot(config);
    this.runner = new ExportRunner(requests, catalogue, exportRoot, () -> jobOptions(false));
    this.profiler =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "skyrelay-profiler");
              t.setDaemon(true);
              return t;
            });
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("skyrelay-http");
    this.server = new Server(threads);
    this.connector = new ServerConnector(server);
    connector.setHost(config.host());
    connector.setPort(config.port());
    server.addConnector(connector);
    server.setHandler(
        new ApiHandler(
            new Accounts(db),
            signer,
            catalogue,
            requests,
            exportRoot,
            this::profile,
            runner::wake,
            this::publicUrl,
            config.linkTtl()));
  }

  /** Opens the database, starts the API, the export runner, and profiles left unfinished. */
  public static SkyrelayService start(ServiceConfig config) throws Exception {
    SkyrelayService service = new SkyrelayService(config);
    try {
      service.server.start();
      if (config.runExports()) {
        service.runner.start();
      }
      service.catalogue.unfinishedProfiles().forEach(service::profile);
    } catch (Exception | Error e) {
      service.close();
      throw e;
    }
    LOG.info(
        "skyrelay service listening on {} (database {})",
        service.publicUrl(),
        ServiceDatabase.redact(config.database()));
    return service;
  }

  /** The port the API listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The export request whose job runs now, if any. */
  public java.util.Optional<String> runningExport() {
    return runner.running();
  }

  /** The URL users reach the service at. */
  public String publicUrl() {
    if (config.publicUrl() != null) {
      return config.publicUrl().replaceAll("/+$", "");
    }
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return "http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + port();
  }

  /** Queues the profiling job of dataset {@code name}. */
  void profile(String name) {
    catalogue.profiling(name);
    profiler.execute(
        () -> {
          try {
            Dataset d = catalogue.find(name).orElseThrow();
            ProfileJob.Profile p =
                ProfileJob.run(d, jobOptions(true), config.folder().resolve("work").resolve(name));
            catalogue.profiled(name, p.document(), p.columns());
            LOG.info("dataset {} profiled", name);
          } catch (RuntimeException e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
              t = t.getCause();
            }
            String reason = t.getMessage() == null ? t.toString() : t.getMessage();
            LOG.warn("profiling dataset {} failed: {}", name, reason);
            catalogue.profileFailed(name, reason);
          }
        });
  }

  /** Options of a job on Beam's embedded runner. */
  static PipelineOptions jobOptions(boolean blockOnRun) {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    DirectOptions direct = options.as(DirectOptions.class);
    direct.setBlockOnRun(blockOnRun);
    direct.setTargetParallelism(2);
    // The runner's checks that DoFns neither mutate nor fail to encode elements re-encode every
    // element and accumulator: for tests of transforms, too slow for a service's own jobs.
    direct.setEnforceImmutability(false);
    direct.setEnforceEncodability(false);
    return options;
  }

  private static StoreLocation exportRoot(ServiceConfig config) {
    StoreUri uri = StoreUri.parse(config.exports());
    if (uri.scheme().equals("file")) {
      try {
        Files.createDirectories(Path.of(uri.container()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make the export folder " + uri.container(), e);
      }
    }
    return new StoreLocation(uri, StoreSettings.EMPTY, "local:service");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server: {}", e.getMessage());
    }
    runner.close();
    profiler.shutdownNow();
    try {
      profiler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    db.close();
  }
}
