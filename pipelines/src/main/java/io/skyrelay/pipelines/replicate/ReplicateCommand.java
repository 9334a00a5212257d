package io.skyrelay.pipelines.replicate;

import io.skyrelay.pipelines.common.Choices;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.LogOptions;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.common.Sizes;
import io.skyrelay.pipelines.common.StartupTimes;
import io.skyrelay.pipelines.common.StoresFile;
import io.skyrelay.transforms.planner.Objective;
import io.skyrelay.transforms.planner.Plan;
import io.skyrelay.transforms.regions.RegionData;
import io.skyrelay.transforms.replicate.DiffMode;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import io.skyrelay.transforms.replicate.RouteSetup;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.KeyFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skyrelay replicate SRC DST [DST...]}. */
@Command(
    name = "replicate",
    mixinStandardHelpOptions = true,
    description = {
      "Copies every object under SRC that is missing or different at each DST, in parallel, in"
          + " chunks where objects are large, verifying what it writes.",
      "",
      "Locations: s3://bucket/prefix, az://account/container/prefix, gs://bucket/prefix,"
          + " file:///path. A SRC ending in / is a folder; otherwise, when an object (or, for"
          + " file://, a file) of that name exists, SRC is that one object, copied into each DST"
          + " ending in / (or a bucket, container or existing folder) under its own name, else to"
          + " exactly the key DST names; a SRC naming no object is the folder of that name. With"
          + " only the standard AWS environment (AWS_ENDPOINT_URL,"
          + " AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION) s3:// works against any"
          + " S3-compatible endpoint; jobs spanning several endpoints use --stores FILE."
    },
    footer = {
      "",
      "Examples:",
      "  skyrelay replicate s3://src-bucket/data s3://dst-bucket/data --dry-run",
      "  skyrelay replicate s3://a file:///backup/a az://acct/replica --delete --max-delete 100",
      "  skyrelay replicate s3://a s3://b --runner flink --flinkMaster 127.0.0.1:8081",
      "  skyrelay replicate s3://bucket/report.csv s3://other/   (one object, to other/report.csv)"
    },
    exitCodeListHeading = "%nExit status (a --dry-run exits as the run it plans would):%n",
    exitCodeList = {
      "0:every object was copied, skipped or deleted",
      "1:some objects failed, or deletes were refused (--max-delete)",
      "2:bad arguments or configuration (nothing was done)",
      "3:the job itself failed (a store could not be listed or opened, the runner failed)"
    })
public final class ReplicateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SRC", description = "Where objects come from.")
  String source;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "DST",
      description = "One or more destinations.")
  List<String> destinations;

  @Option(
      names = "--dry-run",
      description =
          "List and compare only: print what would be copied and deleted, the bytes and"
              + " the estimated egress cost; change nothing.")
  boolean dryRun;

  @Option(
      names = "--delete",
      description = "Delete destination objects that the source does not have.")
  boolean delete;

  @Option(
      names = "--max-delete",
      defaultValue = "1000",
      description =
          "Refuse all deletes at a destination that would lose more objects than this"
              + " (default ${DEFAULT-VALUE}).")
  long maxDelete;

  @Option(
      names = "--diff",
      defaultValue = "auto",
      converter = DiffModes.class,
      completionCandidates = DiffModes.class,
      description =
          "How unchanged objects are recognised: auto (MD5 where both stores know it,"
              + " else ETag between stores of one kind, else modification time), etag, checksum,"
              + " mtime. One of ${COMPLETION-CANDIDATES}; default auto.")
  DiffMode diff;

  @Mixin FilterOptions filters;

  @Option(
      names = "--chunk-size",
      defaultValue = "64MiB",
      converter = Sizes.Converter.class,
      description =
          "Part size for large objects (raised to a store's minimum); objects up to"
              + " this size are copied whole. Default ${DEFAULT-VALUE}.")
  long chunkSize;

  @Option(
      names = "--transfers",
      defaultValue = "16",
      description = "Concurrent transfers per worker (default ${DEFAULT-VALUE}).")
  int transfers;

  @Option(
      names = "--no-server-side-copy",
      description = "Always move the bytes through the workers, even within one store.")
  boolean noServerSideCopy;

  @Option(
      names = "--manifest",
      description = "Copy exactly the objects of this Avro manifest instead of listing SRC.")
  String manifest;

  @Option(names = "--manifest-out", description = "Write the source listing as an Avro manifest.")
  String manifestOut;

  @Option(
      names = "--stores",
      description =
          "YAML file with per-store endpoints, credentials and region labels; the settings each"
              + " store takes are listed in docs/STORES.md.")
  Path storesFile;

  @Option(
      names = "--source-region",
      description = "Region label of SRC for cost estimates (e.g. aws:us-east-1).")
  String sourceRegion;

  @Option(names = "--dest-region", description = "Region label of every DST for cost estimates.")
  String destRegion;

  @Option(
      names = "--output",
      description =
          "Folder for the run's per-object results (Avro) and report.json"
              + " (default skyrelay-runs/<time>).")
  Path output;

  @Option(
      names = "--relay",
      paramLabel = "REGION=URI",
      description =
          "Relay store of a region, e.g. aws:us-east-2=s3://relay-bucket/prefix (repeatable;"
              + " endpoints and credentials come from --stores). Chunks routed through REGION are"
              + " staged there and deleted after the next hop. Without --objective or --plan,"
              + " implies --objective fastest.")
  Map<String, String> relays = new LinkedHashMap<>();

  @Option(
      names = "--objective",
      converter = Objectives.class,
      completionCandidates = Objectives.class,
      description =
          "Plan routes from the source's region to each destination's: direct, cheapest,"
              + " fastest (with --min-gbps / --max-usd-per-gb as in skyrelay plan). Relays are"
              + " only the regions given with --relay.")
  String objective;

  @Option(names = "--min-gbps", description = "Throughput floor for --objective cheapest.")
  Double minGbps;

  @Option(
      names = "--max-usd-per-gb",
      description = "Egress price ceiling (USD per GB) for --objective fastest.")
  Double maxUsdPerGb;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description = "Carry out this plan (JSON from skyrelay plan --json) for every destination.")
  Path planFile;

  @Option(
      names = "--emulate-links",
      paramLabel = "RATE",
      converter = Sizes.Converter.class,
      description =
          "For experiments on one machine: slow the bytes between region labels to the grid's"
              + " measured throughput, a 1 Gbps link becoming RATE per second (e.g. 10MiB)."
              + " Turns server-side copy off.")
  Long emulateLinks;

  @Option(
      names = "--regions",
      paramLabel = "DIR",
      description =
          "Your own region data (egress.csv, throughput.csv, ...) instead of the bundled.")
  Path regionsDir;

  @Mixin RunnerOptions runner;

  @Mixin LogOptions logs;

  @Mixin TransferOptions transfer;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ReplicateCommand.class);

  /** The values of {@code --diff}. */
  static final class DiffModes extends Choices<DiffMode> {
    DiffModes() {
      super(namesOf(DiffMode.class));
    }

    @Override
    protected DiffMode valueOf(String name) {
      return DiffMode.valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /** The values of {@code --objective} (the floor and ceiling come with their own options). */
  static final class Objectives extends Choices<String> {
    Objectives() {
      super(List.of("direct", "cheapest", "fastest"));
    }

    @Override
    protected String valueOf(String name) {
      return name;
    }
  }

  @Override
  public Integer call() throws Exception {
    StartupTimes.mark("options parsed");
    try (AutoCloseable logging = logs.apply()) {
      LOG.info("replicate {} to {}", source, destinations);
      int status = replicate();
      LOG.info("replicate {} to {} ended with exit status {}", source, destinations, status);
      return status;
    }
  }

  private int replicate() {
    StoresFile stores =
        storesFile == null ? StoresFile.empty() : StoresFile.read(storesFile, System.getenv());
    if (objective == null && (minGbps != null || maxUsdPerGb != null)) {
      throw new IllegalArgumentException("--min-gbps and --max-usd-per-gb need --objective");
    }
    ReplicationLocations locations =
        ReplicationLocations.resolve(stores, source, sourceRegion, destinations, destRegion);
    if (locations.singleObject() && manifest != null) {
      throw new IllegalArgumentException(
          "--manifest lists objects of a folder, and " + source + " is one object");
    }
    KeyFilter filter = filters.filter(Instant.now());
    if (filters.retryFrom != null) {
      if (filter.keyListSize() == 0) {
        System.out.println("nothing to retry: no object failed in " + filters.retryFrom);
        return ExitStatus.OK;
      }
      System.out.println(
          "retrying the " + filter.keyListSize() + " objects that failed in " + filters.retryFrom);
    }
    if (locations.singleObject() && !filter.acceptsAll()) {
      throw new IllegalArgumentException(
          "--include, --exclude, --files-from, --min-size, --max-size, --min-age and --max-age"
              + " select objects of a folder, and "
              + source
              + " is one object");
    }
    ReplicationSpec spec =
        new ReplicationSpec(
                locations.source(),
                locations.destinations().stream().map(transfer::applyTo).toList(),
                chunkSize,
                diff,
                delete,
                maxDelete,
                transfers,
                !noServerSideCopy)
            .withKeys(locations.singleObject() ? locations.keys() : filter)
            .withBandwidth(transfer.bandwidth(runner));
    if (!filter.acceptsAll()) {
      System.out.println(filters.describe(filter));
    }
    RegionData regionData = RegionData.bundledOr(regionsDir);
    Map<String, StoreLocation> relayStores = new TreeMap<>();
    relays.forEach(
        (region, uri) -> {
          regionData.check(region);
          relayStores.put(region, stores.locate(uri, region).withRegion(region));
        });
    Plan plan;
    try {
      plan = planFile == null ? null : Plan.fromJson(Files.readString(planFile));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the plan " + planFile + ": " + e);
    }
    RouteSetup routes =
        new RouteSetup(
            relayStores,
            objective == null ? null : Objective.parse(objective, minGbps, maxUsdPerGb),
            plan,
            emulateLinks == null ? null : (double) emulateLinks,
            regionData);
    spec = routes.apply(spec, System.out);
    Path out =
        output != null
            ? output
            : Path.of(
                "skyrelay-runs",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    ReplicateJob.Io io = new ReplicateJob.Io(manifest, manifestOut, out, dryRun, logs.stats());
    if (runner.insideCluster()) {
      ReplicateJob.submit(spec, runner, io, System.out);
      return ExitStatus.OK;
    }
    StartupTimes.mark("job prepared");
    ReplicationSummary summary = ReplicateJob.run(spec, runner, io, System.out, regionData);
    summary.print(System.out);
    LOG.info(
        "copied {} objects ({} bytes), skipped {}, deleted {}, failed {}, deletes refused {}",
        summary.copied(),
        summary.copiedBytes(),
        summary.skipped(),
        summary.deleted(),
        summary.failed(),
        summary.deleteRefused());
    summary
        .failures()
        .forEach(
            f ->
                LOG.warn(
                    "{} {}: {}",
                    f.action,
                    ReplicationSummary.printable(f.key),
                    ReplicationSummary.printable(f.error)));
    System.out.println(
        "  results: " + out.resolve("results-*.avro") + ", " + out.resolve("report.json"));
    return summary.failed() > 0 || summary.deleteRefused() > 0 ? ExitStatus.PARTIAL : ExitStatus.OK;
  }
}
