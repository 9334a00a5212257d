package io.skyrelay.pipelines.gateway;

import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import io.skyrelay.gateway.imports.BucketImport;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.NamespaceDatabase;
import io.skyrelay.gateway.namespace.NamespaceException;
import io.skyrelay.gateway.namespace.VirtualBucket;
import io.skyrelay.gateway.placement.RegionStore;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code skyrelay gateway import}: registers existing objects as a virtual bucket's. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Registers what a location in a region's store already holds as a virtual bucket's objects"
          + " in that region, without copying them: each object becomes a ready version whose copy"
          + " is the object found. Keys that already have a version are left alone, so running it"
          + " again imports only what is new. The gateway owns the objects afterwards: an"
          + " overwrite or delete through it removes them.",
      "Run it while no gateway holds the embedded namespace database.",
      "Exit status: 0 done, 1 some objects failed, 2 bad arguments or config, 3 could not run."
    })
final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The gateway's YAML config.")
  Path config;

  @Option(
      names = "--bucket",
      required = true,
      paramLabel = "NAME",
      description = "The virtual bucket (from the config, or created through the S3 API).")
  String bucket;

  @Option(
      names = "--region",
      required = true,
      paramLabel = "LABEL",
      description = "The region whose store holds the objects.")
  String region;

  @Option(
      names = "--from",
      paramLabel = "STORE_URI",
      description =
          "The location to import, inside the region's store (default: the bucket's own prefix"
              + " there, <bucket>/).")
  String from;

  @Option(names = "--dry-run", description = "Count what would be imported; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    GatewayConfig c = GatewayConfigLoader.load(config);
    RegionConfig r =
        c.regions().stream()
            .filter(x -> x.label().equals(region))
            .findFirst()
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "--region: no region "
                            + region
                            + " in "
                            + config
                            + "; regions: "
                            + c.regions().stream().map(RegionConfig::label).toList()));
    StoreUri regionUri = StoreUri.parse(r.store());
    StoreUri fromUri;
    try {
      fromUri = from == null ? null : StoreUri.parse(from);
    } catch (InvalidStoreUriException e) {
      throw new ParameterException(spec.commandLine(), "--from: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (c.embeddedDatabase()) {
      Files.createDirectories(Path.of(c.database()));
    }
    NamespaceDatabase database = NamespaceDatabase.open(c.jdbcUrl());
    try {
      Namespace namespace;
      try {
        namespace = Namespace.open(database.dataSource());
      } catch (RuntimeException e) {
        spec.commandLine()
            .getErr()
            .println(
                "skyrelay: cannot open the namespace database "
                    + NamespaceDatabase.redact(c.database())
                    + (c.embeddedDatabase() ? " (is a gateway running on it?): " : ": ")
                    + e.getMessage());
        return ExitStatus.JOB_FAILED;
      }
      namespace.putRegion(r.label(), regionUri.toString());
      for (BucketConfig b : c.buckets()) {
        namespace.createBucket(b.name(), b.policy());
      }
      VirtualBucket vb =
          namespace
              .bucket(bucket)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "--bucket: no virtual bucket "
                              + bucket
                              + "; name one in the config's buckets, or create it through the"
                              + " S3 API first"));
      String prefix;
      try {
        prefix =
            fromUri == null ? vb.physicalPrefix() : BucketImport.physicalPrefix(regionUri, fromUri);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--from: " + e.getMessage());
      }
      String where = fromUri == null ? regionUri + " under " + prefix : fromUri.toString();
      out.println(
          (dryRun ? "Dry run: would import " : "Importing ")
              + where
              + " into bucket "
              + bucket
              + " in region "
              + region);
      out.flush();
      BucketImport.Summary s;
      try (ObjectStore store =
          RegionStore.openStore(
              new StoreLocation(regionUri, StoreSettings.of(r.settings()), r.label()))) {
        s =
            new BucketImport(namespace, vb, region, store, prefix)
                .run(
                    dryRun,
                    p -> {
                      out.println(
                          "  listed "
                              + p.found()
                              + ", "
                              + (dryRun ? "to import " : "imported ")
                              + p.imported()
                              + ", already present "
                              + p.present());
                      out.flush();
                    });
      } catch (StoreException e) {
        spec.commandLine().getErr().println("skyrelay: listing " + where + ": " + e.getMessage());
        return ExitStatus.JOB_FAILED;
      }
      out.println(
          (dryRun ? "Would import " : "Imported ")
              + s.imported()
              + " objects ("
              + s.bytes()
              + " bytes); "
              + s.present()
              + " already had a version; "
              + s.skipped()
              + " skipped; "
              + s.failed()
              + " failed"
              + (dryRun ? " (dry run: nothing written)" : ""));
      out.flush();
      return s.failed() > 0 ? ExitStatus.PARTIAL : ExitStatus.OK;
    } catch (NamespaceException e) {
      spec.commandLine().getErr().println("skyrelay: " + e.getMessage());
      return ExitStatus.JOB_FAILED;
    } finally {
      database.close();
    }
  }
}
