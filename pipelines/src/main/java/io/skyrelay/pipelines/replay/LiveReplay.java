package io.skyrelay.pipelines.replay;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.pipelines.common.GeneratedContent;
import io.skyrelay.pipelines.sync.LoadGenerator;
import io.skyrelay.replay.trace.KeyInterner;
import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadGenerator;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replays a trace's writes, deletes and reads against real stores while a sync job replicates them,
 * at a chosen speed-up of trace time.
 *
 * <p>Region 0 of the workload is the sync mapping's source, region i its replica i - 1. Every PUT
 * and DELETE goes to the source (whatever region issues it: the sync job replicates from one
 * source), followed by its S3 event notification on the mapping's Kafka topic. A read issued in a
 * replica's region looks at that replica: it finds the version last written ("current"), an older
 * one ("stale"), or nothing ("no replica"). A poller watches every replica for every write and
 * records the replication lag: the time from the end of the source PUT until the replica holds that
 * version. Object sizes are capped so that a long trace fits a test machine.
 */
public final class LiveReplay {

  /**
   * How to replay.
   *
   * @param speedup trace milliseconds per wall-clock millisecond (60: an hour of trace a minute)
   * @param maxObjectBytes writes larger than this are cut to it
   * @param maxRequests stop after this many requests of the workload
   * @param settle after the last request, how long to wait for replicas to catch up
   * @param pollEvery how often the poller looks at pending writes
   */
  public record Settings(
      double speedup, long maxObjectBytes, long maxRequests, Duration settle, Duration pollEvery) {}

  /**
   * What happened.
   *
   * @param writes PUTs to the source
   * @param deletes DELETEs at the source
   * @param replicaReads reads issued in a replica's region, of objects that existed
   * @param current of those, reads that found the version last written
   * @param stale reads that found an older version
   * @param noReplica reads that found nothing
   * @param sourceReads reads issued in the source's region (always current)
   * @param replicated (write, replica) pairs seen replicated
   * @param superseded pairs overwritten or deleted before they were seen replicated
   * @param notReplicated pairs still missing when the settle time ran out
   * @param lagMs replication lags seen, ms, sorted
   * @param behindMs how far behind schedule the replay fell at worst, ms
   * @param seconds wall-clock time of the replay
   */
  public record Report(
      long writes,
      long deletes,
      long replicaReads,
      long current,
      long stale,
      long noReplica,
      long sourceReads,
      long replicated,
      long superseded,
      long notReplicated,
      long[] lagMs,
      long behindMs,
      double seconds) {

    public double lagPercentileMs(double p) {
      if (lagMs.length == 0) {
        return Double.NaN;
      }
      return lagMs[(int) Math.min(lagMs.length - 1, Math.ceil(p / 100 * lagMs.length) - 1)];
    }

    public double lagMeanMs() {
      return Arrays.stream(lagMs).average().orElse(Double.NaN);
    }

    /** Lines for the terminal. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "live replay: %,d writes, %,d deletes in %.1f s (at worst %,d ms behind schedule)%n"
              + "reads in replica regions: %,d; found the current version %,d, a stale one %,d,"
              + " no replica %,d (%.1f%%); reads in the source region %,d%n"
              + "replication: %,d replicated, lag mean %.0f ms, p50 %.0f ms, p99 %.0f ms,"
              + " max %.0f ms; %,d overwritten or deleted first; %,d not replicated in time%n",
          writes,
          deletes,
          seconds,
          behindMs,
          replicaReads,
          current,
          stale,
          noReplica,
          replicaReads == 0 ? 0.0 : 100.0 * noReplica / replicaReads,
          sourceReads,
          replicated,
          lagMeanMs(),
          lagPercentileMs(50),
          lagPercentileMs(99),
          lagPercentileMs(100),
          superseded,
          notReplicated);
    }
  }

  private record Pending(String etag, long writtenNanos) {}

  private final StoreLocation source;
  private final List<StoreLocation> replicas;
  private final String bootstrapServers;
  private final String topic;
  private long sequencer = System.currentTimeMillis() << 16;

  public LiveReplay(
      StoreLocation source, List<StoreLocation> replicas, String bootstrapServers, String topic) {
    this.source = source;
    this.replicas = List.copyOf(replicas);
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  /** Region labels of the workload: the source's region, then each replica's. */
  public List<String> regions() {
    List<String> labels = new ArrayList<>();
    labels.add(label(source, "source"));
    for (int i = 0; i < replicas.size(); i++) {
      labels.add(label(replicas.get(i), "replica-" + (i + 1)));
    }
    return labels;
  }

  private static String label(StoreLocation l, String fallback) {
    return l.region() == null || l.region().isBlank() ? fallback : l.region();
  }

  public Report run(Path trace, WorkloadType type, long seed, Settings s) throws Exception {
    List<String> regions = regions();
    if (regions.stream().distinct().count() != regions.size()) {
      throw new IllegalArgumentException(
          "the source and replicas need distinct regions for a live replay, not " + regions);
    }
    KeyInterner keys = new KeyInterner();
    WorkloadGenerator gen = new WorkloadGenerator(type, seed, regions.size());
    RequestBatch raw = new RequestBatch(1 << 12);
    RequestBatch assigned = new RequestBatch(2 << 12);
    Map<String, String> lastEtag = new HashMap<>();
    Map<String, Pending> pending = new ConcurrentHashMap<>();
    List<Long> lags = new ArrayList<>();
    AtomicLong replicated = new AtomicLong();
    long superseded = 0;
    long writes = 0;
    long deletes = 0;
    long replicaReads = 0;
    long current = 0;
    long stale = 0;
    long noReplica = 0;
    long sourceReads = 0;
    long behind = 0;
    long done = 0;
    long firstTs = Long.MIN_VALUE;
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("linger.ms", "1");
    long start = System.nanoTime();
    long began = start;
    List<ObjectStore> readers = new ArrayList<>();
    List<ObjectStore> watchers = new ArrayList<>();
    Thread poller = null;
    try (ObjectStore src = source.open();
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        TraceReader reader = TraceReader.open(trace, keys, regions, false)) {
      for (StoreLocation r : replicas) {
        readers.add(r.open());
        watchers.add(r.open());
      }
      poller = new Thread(() -> poll(watchers, pending, lags, replicated, s), "live-replay-lag");
      poller.setDaemon(true);
      poller.start();
      // First calls set up clients and fetch the topic's metadata: make them before the clock
      // starts, so that the replay does not begin behind schedule.
      producer.partitionsFor(topic);
      sourceEtag(src, source.keyOf("replay/.warm-up"));
      for (ObjectStore r : readers) {
        sourceEtag(r, source.keyOf("replay/.warm-up"));
      }
      start = System.nanoTime();
      SplittableRandom content = new SplittableRandom(seed);
      outer:
      while (reader.next(raw)) {
        RequestBatch b = raw;
        if (reader.format() == TraceReader.Format.IBM) {
          gen.assign(raw, assigned);
          b = assigned;
        }
        for (int i = 0; i < b.size(); i++) {
          if (done++ >= s.maxRequests()) {
            break outer;
          }
          if (firstTs == Long.MIN_VALUE) {
            firstTs = b.timestampMs[i];
          }
          long due = start + (long) ((b.timestampMs[i] - firstTs) / s.speedup() * 1e6);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } else {
            behind = Math.max(behind, -wait / 1_000_000);
          }
          String key = source.keyOf("replay/" + keys.key(b.object[i]));
          int region = b.region[i];
          switch (b.op[i]) {
            case Op.PUT -> {
              long size = Math.min(b.size[i], s.maxObjectBytes());
              String etag =
                  src.put(
                          key,
                          new GeneratedContent(content.nextLong(), size),
                          size,
                          PutOptions.DEFAULT)
                      .etag();
              long now = System.nanoTime();
              producer.send(
                  new ProducerRecord<>(topic, event(key, "ObjectCreated:Put", size, etag)));
              writes++;
              lastEtag.put(key, etag);
              for (int r = 0; r < replicas.size(); r++) {
                if (pending.put(r + "\n" + key, new Pending(etag, now)) != null) {
                  superseded++;
                }
              }
            }
            case Op.DELETE -> {
              if (lastEtag.remove(key) != null) {
                src.delete(key);
                producer.send(
                    new ProducerRecord<>(topic, event(key, "ObjectRemoved:Delete", 0, null)));
                deletes++;
                for (int r = 0; r < replicas.size(); r++) {
                  if (pending.remove(r + "\n" + key) != null) {
                    superseded++;
                  }
                }
              }
            }
            case Op.GET, Op.HEAD -> {
              String want = lastEtag.get(key);
              if (want == null) {
                continue;
              }
              if (region == 0) {
                sourceReads++;
                continue;
              }
              replicaReads++;
              String got = sourceEtag(readers.get(region - 1), key);
              if (got == null) {
                noReplica++;
              } else if (got.equals(want)) {
                current++;
              } else {
                stale++;
              }
            }
            default -> {}
          }
        }
      }
      producer.flush();
      long settleUntil = System.nanoTime() + s.settle().toNanos();
      while (!pending.isEmpty() && System.nanoTime() < settleUntil) {
        Thread.sleep(s.pollEvery().toMillis());
      }
    } finally {
      if (poller != null) {
        poller.interrupt();
        poller.join(5_000);
      }
      for (ObjectStore o : readers) {
        o.close();
      }
      for (ObjectStore o : watchers) {
        o.close();
      }
    }
    long[] sorted;
    synchronized (lags) {
      sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    return new Report(
        writes,
        deletes,
        replicaReads,
        current,
        stale,
        noReplica,
        sourceReads,
        replicated.get(),
        superseded,
        pending.size(),
        sorted,
        behind,
        (System.nanoTime() - began) / 1e9);
  }

  private static void poll(
      List<ObjectStore> replicas,
      Map<String, Pending> pending,
      List<Long> lags,
      AtomicLong replicated,
      Settings s) {
    while (!Thread.currentThread().isInterrupted()) {
      for (Map.Entry<String, Pending> e : pending.entrySet()) {
        String id = e.getKey();
        int nl = id.indexOf('\n');
        int r = Integer.parseInt(id.substring(0, nl));
        String key = id.substring(nl + 1);
        Pending p = e.getValue();
        String got;
        try {
          got = sourceEtag(replicas.get(r), key);
        } catch (RuntimeException ex) {
          continue; // a transient failure: look again next round
        }
        if (p.etag().equals(got) && pending.remove(id, p)) {
          long lag = (System.nanoTime() - p.writtenNanos()) / 1_000_000;
          synchronized (lags) {
            lags.add(lag);
          }
          replicated.incrementAndGet();
        }
      }
      try {
        Thread.sleep(s.pollEvery().toMillis());
      } catch (InterruptedException ie) {
        return;
      }
    }
  }

  /** The source ETag a replica copy records (its own ETag when it records none), or null. */
  static String sourceEtag(ObjectStore replica, String key) {
    try {
      ObjectInfo o = replica.head(key);
      return o.metadata().getOrDefault(ObjectCopier.SOURCE_ETAG, o.etag());
    } catch (ObjectNotFoundException e) {
      return null;
    }
  }

  /** An S3 event notification, as the sync job reads it. */
  private byte[] event(String key, String name, long size, String etag) {
    return LoadGenerator.s3Notification(
        source.uri().container(), key, name, size, etag, ++sequencer);
  }
}
