package io.skyrelay.pipelines.bench;

import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.sync.LoadGenerator;
import io.skyrelay.pipelines.sync.SyncConfig;
import io.skyrelay.pipelines.sync.SyncJob;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.sync.LagRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Sustained events per second and replication lag of {@code skyrelay sync} on this machine: a KRaft
 * broker and the stores in this process, the job on the embedded Flink, the load generator at a
 * fixed rate. Not a test: run it with bench/sync.sh.
 *
 * <p>Arguments: {@code RATE[,RATE...] SECONDS MIN_SIZE MAX_SIZE}. The source is an S3Proxy endpoint
 * (the load generator's events are S3 notifications), the replica a local folder. System
 * properties: {@code partitions} (of the event topic, default 2), {@code writers} (the generator's,
 * default 16), {@code writeFirst} (write every object before the clock starts, creates only, then
 * send only their events at the rate: the job's own capacity, without the writes' cost), {@code
 * warmup} (seconds of an unreported first round at the first rate, default 20, so that the JVM's
 * compilers have done most of their work before anything is measured, as in a long-running job).
 * Each round's objects and replicas are deleted when it ends.
 */
public final class SyncBenchmark {

  private static final int PARTITIONS = Integer.getInteger("partitions", 2);
  private static final boolean WRITE_FIRST = Boolean.getBoolean("writeFirst");
  private static final int WARMUP = Integer.getInteger("warmup", 20);
  private static final int WRITERS = Integer.getInteger("writers", 16);

  public static void main(String[] args) throws Exception {
    String[] rates = (args.length > 0 ? args[0] : "500,1000,2000").split(",");
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    long minSize = args.length > 2 ? Long.parseLong(args[2]) : 1024;
    long maxSize = args.length > 3 ? Long.parseLong(args[3]) : 1 << 20;
    Path work = Files.createTempDirectory("skyrelay-sync-bench");
    EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 2);
    kafka.afterPropertiesSet();
    S3ProxyServer s3 = S3ProxyServer.startOnDisk(work.resolve("s3"));
    System.out.println(
        "| store | offered events/s | events sent | applied | sustained applied/s | lag p50 ms | lag p99 ms"
            + " | CPU µs/event: copy threads | source server | whole process |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    List<String> plan = new java.util.ArrayList<>(List.of(rates));
    if (WARMUP > 0) {
      plan.add(0, "warmup:" + rates[0]);
    }
    int round = 0;
    for (String rateText : plan) {
      round++;
      boolean warmup = rateText.startsWith("warmup:");
      double rate = Double.parseDouble(rateText.substring(rateText.indexOf(':') + 1));
      int seconds = warmup ? WARMUP : measured;
      String topic = "bench-" + round;
      kafka.addTopics(new org.apache.kafka.clients.admin.NewTopic(topic, PARTITIONS, (short) 1));
      String bucket = "bench-" + round;
      s3.createBucket(bucket);
      String sourceUri = "s3://" + bucket;
      StoreSettings sourceSettings = s3.settings();
      Path cfg = work.resolve("sync-" + round + ".yaml");
      StringBuilder y = new StringBuilder();
      y.append("kafka:\n  bootstrap_servers: ").append(kafka.getBrokersAsString()).append('\n');
      y.append("  group_id: bench-").append(round).append('\n');
      y.append("stores:\n  - uri: ").append(sourceUri).append('\n');
      sourceSettings
          .asMap()
          .forEach(
              (k, v) ->
                  y.append("    ")
                      .append(k.equals("region") ? "region-name" : k)
                      .append(": ")
                      .append(v)
                      .append('\n'));
      y.append("mappings:\n  - name: bench\n    source: ").append(sourceUri).append('\n');
      y.append("    topic: ").append(topic).append("\n    format: s3\n");
      y.append("    replicas: [\"")
          .append(work.resolve("replica-" + round).toUri())
          .append("\"]\n");
      Files.writeString(cfg, y.toString());
      SyncConfig config = SyncConfig.read(cfg, Map.of());

      LagRecorder.reset();
      Pipeline p =
          Pipeline.create(new RunnerOptions().streamingOptions("sync-bench-" + round, 10_000));
      SyncJob.build(p, config, 0);
      PipelineResult job = p.run();
      Thread.sleep(5_000); // let the job start before the clock runs

      StoreLocation source =
          new StoreLocation(StoreUri.parse(sourceUri), sourceSettings, "local:bench");
      int events = (int) (rate * seconds);
      LoadGenerator generator =
          new LoadGenerator(source, kafka.getBrokersAsString(), topic)
              .sizes(
                  "log-uniform".equals(System.getProperty("sizes"))
                      ? LoadGenerator.SizeDistribution.LOG_UNIFORM
                      : LoadGenerator.SizeDistribution.UNIFORM);
      List<LoadGenerator.Written> written =
          WRITE_FIRST ? generator.writeFirst(events, minSize, maxSize, round, WRITERS) : null;
      long start = System.nanoTime();
      CpuTime cpuAtStart = CpuTime.now();
      CpuTime cpuAtLastChange = cpuAtStart;
      LoadGenerator.Report report =
          WRITE_FIRST
              ? generator.sendCreates(written, rate)
              : generator.run(
                  new LoadGenerator.Settings(
                      events, rate, 5_000, minSize, maxSize, 0.6, 0.3, 0, 0, round, WRITERS));
      int last = -1;
      long lastChange = System.nanoTime();
      while (System.nanoTime() - lastChange < 15_000_000_000L) {
        Thread.sleep(500);
        int now = LagRecorder.count();
        if (System.getenv("BENCH_DEBUG") != null) {
          System.err.println("state " + job.getState() + " applied " + now);
        }
        if (now != last) {
          last = now;
          lastChange = System.nanoTime();
          cpuAtLastChange = CpuTime.now();
        }
      }
      double elapsed = (lastChange - start) / 1e9;
      job.cancel();
      // This round's objects and replicas: about 9 GB per 15 s at 2,000 events/s (log-uniform).
      // ext4 passes over the inodes of files deleted in the last 30 s or so when it makes new ones,
      // which would make the next round's writes dearer than a running job's: wait that out.
      deleteTree(work.resolve("s3").resolve(bucket));
      deleteTree(work.resolve("replica-" + round));
      Thread.sleep(40_000);
      if (warmup) {
        System.err.printf(
            Locale.ROOT,
            "warm-up round (not reported): %,d applied, lag p99 %d ms%n",
            LagRecorder.count(),
            LagRecorder.percentile(99));
        continue;
      }
      // ns in all -> µs per event. The copy threads are the sync job's; the S3Proxy threads serve
      // the source, a remote service in a real deployment, here on the same two cores.
      double perEvent = 1e-3 / Math.max(1, LagRecorder.count());
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %,d | %,d | %.0f | %d | %d | %.0f | %.0f | %.0f |%n",
          WRITE_FIRST ? "s3, written first" : "s3",
          report.rate(),
          report.eventsSent(),
          LagRecorder.count(),
          LagRecorder.count() / elapsed,
          LagRecorder.percentile(50),
          LagRecorder.percentile(99),
          cpuAtLastChange.threadsSince(cpuAtStart, "apply-changes") * perEvent,
          cpuAtLastChange.threadsSince(cpuAtStart, "S3Proxy") * perEvent,
          (cpuAtLastChange.process() - cpuAtStart.process()) * perEvent);
    }
    s3.close();
    kafka.destroy();
    deleteTree(work);
    System.exit(0);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /**
   * CPU time (ns) of the threads alive now, by thread, and of this whole process (the job, the
   * store, the broker and the load generator).
   */
  record CpuTime(Map<Thread, Long> threads, long process) {
    static CpuTime now() {
      java.lang.management.ThreadMXBean mx =
          java.lang.management.ManagementFactory.getThreadMXBean();
      Map<Thread, Long> threads = new java.util.HashMap<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        long ns = mx.getThreadCpuTime(t.getId());
        if (ns >= 0) { // else ended meanwhile
          threads.put(t, ns);
        }
      }
      long process =
          ((com.sun.management.OperatingSystemMXBean)
                  java.lang.management.ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      return new CpuTime(threads, process);
    }

    /**
     * What the threads whose names start with {@code prefix} used since {@code earlier}: threads
     * that ended in between are not counted (the pools that matter live as long as a round).
     */
    long threadsSince(CpuTime earlier, String prefix) {
      long ns = 0;
      for (Map.Entry<Thread, Long> e : threads.entrySet()) {
        if (e.getKey().getName().startsWith(prefix)) {
          ns += e.getValue() - earlier.threads.getOrDefault(e.getKey(), 0L);
        }
      }
      return ns;
    }
  }
}
