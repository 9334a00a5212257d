package io.skyrelay.pipelines.sync;

import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.pipelines.common.Sizes;
import io.skyrelay.transforms.sync.SyncMapping;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skyrelay loadgen}: load for the sync job. */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = {
      "Writes objects to a mapping's source store and emits the matching S3 event notifications"
          + " to its Kafka topic, at a rate and mix of creates, overwrites and deletes, with"
          + " duplicated and late events, to exercise and measure `skyrelay sync`."
    })
public final class LoadGenCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "The sync job's mappings file.")
  Path config;

  @Option(names = "--mapping", description = "Mapping name (default: the first).")
  String mapping;

  @Option(names = "--events", defaultValue = "10000", description = "Operations to perform.")
  int events;

  @Option(names = "--rate", defaultValue = "1000", description = "Operations per second.")
  double rate;

  @Option(names = "--keys", defaultValue = "2000", description = "Distinct object keys.")
  int keys;

  @Option(names = "--min-size", defaultValue = "1KiB", description = "Smallest object.")
  String minSize;

  @Option(names = "--max-size", defaultValue = "64KiB", description = "Largest object.")
  String maxSize;

  @Option(
      names = "--sizes",
      defaultValue = "uniform",
      description =
          "How sizes are drawn between --min-size and --max-size: uniform (every size equally"
              + " likely) or log-uniform (every order of magnitude equally likely: many small"
              + " objects, few large ones).")
  String sizes;

  @Option(
      names = "--mix",
      defaultValue = "60,25,15",
      description = "Percent of creates, overwrites and deletes (default ${DEFAULT-VALUE}).")
  String mix;

  @Option(
      names = "--duplicates",
      defaultValue = "0.05",
      description = "Share of events sent twice.")
  double duplicates;

  @Option(
      names = "--reorder",
      defaultValue = "0.05",
      description = "Share of events delivered after a newer one.")
  double reorder;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed.")
  long seed;

  @Option(
      names = "--writers",
      defaultValue = "8",
      description =
          "Objects written side by side (default 8); each writer owns its own keys, so every"
              + " object's writes and events stay in order.")
  int writers;

  @Option(
      names = "--write-first",
      description =
          "Write all objects first (new keys, creates only), then send their events at --rate:"
              + " measures the sync job's own capacity, without the writes' cost on this"
              + " machine. --keys and --mix do not apply.")
  boolean writeFirst;

  @Override
  public Integer call() throws Exception {
    SyncConfig cfg = SyncConfig.read(config, System.getenv());
    SyncMapping m =
        mapping == null
            ? cfg.mappings().get(0)
            : cfg.mappings().stream()
                .filter(x -> x.name().equals(mapping))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no mapping named " + mapping));
    if (!m.source().uri().scheme().equals("s3")) {
      // the events would name no store the job reads, and be counted as skipped.no-mapping
      throw new IllegalArgumentException(
          "loadgen sends S3 event notifications, so it needs a mapping whose source is s3://;"
              + " mapping '"
              + m.name()
              + "' has "
              + m.source().uri()
              + " (choose another with --mapping NAME)");
    }
    String[] parts = mix.split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException("--mix takes three percentages, e.g. 60,25,15");
    }
    double c = Double.parseDouble(parts[0]);
    double o = Double.parseDouble(parts[1]);
    double d = Double.parseDouble(parts[2]);
    double total = c + o + d;
    LoadGenerator generator =
        new LoadGenerator(m.source(), cfg.kafka().bootstrapServers(), m.topic())
            .sizes(sizeDistribution(sizes));
    if (writeFirst) {
      long t0 = System.nanoTime();
      List<LoadGenerator.Written> written =
          generator.writeFirst(events, Sizes.parse(minSize), Sizes.parse(maxSize), seed, writers);
      System.out.printf(
          Locale.ROOT,
          "loadgen: wrote %,d objects to %s in %.1f s%n",
          written.size(),
          m.source(),
          (System.nanoTime() - t0) / 1e9);
      LoadGenerator.Report r = generator.sendCreates(written, rate);
      System.out.printf(
          Locale.ROOT,
          "loadgen: %,d create events sent to %s in %.1f s (%.0f events/s)%n",
          r.eventsSent(),
          m.topic(),
          r.seconds(),
          r.rate());
      return ExitStatus.OK;
    }
    LoadGenerator.Report r =
        generator.run(
            new LoadGenerator.Settings(
                events,
                rate,
                keys,
                Sizes.parse(minSize),
                Sizes.parse(maxSize),
                c / total,
                o / total,
                duplicates,
                reorder,
                seed,
                writers));
    System.out.printf(
        Locale.ROOT,
        "loadgen: %,d operations on %s, %,d events sent to %s (%,d duplicates, %,d late) in %.1f s"
            + " (%.0f events/s)%n",
        r.operations(),
        m.source(),
        r.eventsSent(),
        m.topic(),
        r.duplicates(),
        r.reordered(),
        r.seconds(),
        r.rate());
    return ExitStatus.OK;
  }

  static LoadGenerator.SizeDistribution sizeDistribution(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "uniform" -> LoadGenerator.SizeDistribution.UNIFORM;
      case "log-uniform", "loguniform" -> LoadGenerator.SizeDistribution.LOG_UNIFORM;
      default ->
          throw new IllegalArgumentException(
              "--sizes takes uniform or log-uniform, not '" + name + "'");
    };
  }
}
