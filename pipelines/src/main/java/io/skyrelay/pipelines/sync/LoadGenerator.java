package io.skyrelay.pipelines.sync;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.pipelines.common.GeneratedContent;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes objects to a source store and emits the matching S3 event notifications to Kafka, at a
 * given rate and mix of creates, overwrites and deletes, with a share of duplicated events and of
 * events delivered late (after a newer event of the same object), as notification systems do.
 */
public final class LoadGenerator {

  /** What to generate. */
  public record Settings(
      int events,
      double ratePerSecond,
      int keys,
      long minSize,
      long maxSize,
      double createShare,
      double overwriteShare,
      double duplicateShare,
      double reorderShare,
      long seed,
      int writers) {}

  /** What was generated. */
  public record Report(
      int operations, int eventsSent, int duplicates, int reordered, double seconds) {
    public double rate() {
      return eventsSent / Math.max(seconds, 1e-3);
    }
  }

  /** How object sizes are drawn between the smallest and the largest. */
  public enum SizeDistribution {
    /** Every size equally likely: the mean is midway (0.5 MiB for 1 KiB to 1 MiB). */
    UNIFORM,
    /**
     * Every order of magnitude equally likely, so small objects are many and large ones few, as in
     * most object stores: for 1 KiB to 1 MiB the median is 32 KiB and the mean about 148 KiB.
     */
    LOG_UNIFORM;

    long draw(SplittableRandom r, long min, long max) {
      if (this == UNIFORM || min <= 0 || max <= min) {
        return min + (long) (r.nextDouble() * (max - min));
      }
      double lo = Math.log(min);
      return Math.min(max, (long) Math.exp(lo + r.nextDouble() * (Math.log(max) - lo)));
    }
  }

  private SizeDistribution sizes = SizeDistribution.UNIFORM;

  private final StoreLocation source;
  private final String bootstrapServers;
  private final String topic;
  private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() << 16);

  public LoadGenerator(StoreLocation source, String bootstrapServers, String topic) {
    this.source = source;
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  public Report run(Settings s) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("linger.ms", "5");
    int writers = Math.max(1, Math.min(s.writers(), s.keys()));
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<int[]>> parts = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          parts.add(pool.submit(() -> write(s, writer, writers, producer, start)));
        }
        int sent = 0;
        int duplicates = 0;
        int reordered = 0;
        for (Future<int[]> f : parts) {
          int[] counts;
          try {
            counts = f.get();
          } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
          }
          sent += counts[0];
          duplicates += counts[1];
          reordered += counts[2];
        }
        producer.flush();
        return new Report(
            s.events(), sent, duplicates, reordered, (System.nanoTime() - start) / 1e9);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** One object written ahead of its event: what its create notification says. */
  public record Written(String key, long size, String etag) {}

  /** Draws object sizes this way from now on (uniform unless told). */
  public LoadGenerator sizes(SizeDistribution distribution) {
    this.sizes = distribution;
    return this;
  }

  /**
   * Writes {@code objects} new objects (distinct keys under {@code load/first-}, sizes in [{@code
   * minSize}, {@code maxSize}] drawn as set by {@link #sizes}) as fast as {@code writers} side by
   * side allow, and sends no event: {@link #sendCreates} sends their create notifications later.
   * Separating the two measures the sync job's capacity without the cost of the writes, which in
   * production happen on the source store's side, not on the machine that runs the job.
   */
  public List<Written> writeFirst(int objects, long minSize, long maxSize, long seed, int writers)
      throws Exception {
    int n = Math.max(1, Math.min(writers, objects));
    Written[] out = new Written[objects];
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int w = 0; w < n; w++) {
        int writer = w;
        parts.add(
            pool.submit(
                () -> {
                  SplittableRandom r = new SplittableRandom(seed + writer);
                  try (ObjectStore store = source.open()) {
                    for (int i = writer; i < objects; i += n) {
                      String key = source.keyOf("load/first-" + seed + "-" + i);
                      long size = sizes.draw(r, minSize, maxSize);
                      out[i] = new Written(key, size, put(store, key, r.nextLong(), size));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : parts) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return List.of(out);
  }

  /**
   * Sends the create notification of each written object at {@code ratePerSecond}, stamped with the
   * time it is sent (as if each object had just been written).
   */
  public Report sendCreates(List<Written> written, double ratePerSecond) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("linger.ms", "5");
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      int sent = 0;
      for (Written w : written) {
        long wait = start + (long) (sent / ratePerSecond * 1e9) - System.nanoTime();
        if (wait > 1_000_000) {
          try {
            Thread.sleep(wait / 1_000_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        producer.send(
            new ProducerRecord<>(
                topic,
                event(source.uri().container(), w.key(), "ObjectCreated:Put", w.size(), w.etag())));
        sent++;
      }
      producer.flush();
      return new Report(written.size(), sent, 0, 0, (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * One writer's share: the keys {@code k} with {@code k % writers == writer} (so each object's
   * writes and events stay in order) and {@code 1/writers} of the operations and of the rate.
   *
   * @return events sent, duplicates, events delivered late
   */
  private int[] write(
      Settings s, int writer, int writers, KafkaProducer<byte[], byte[]> producer, long start)
      throws Exception {
    SplittableRandom r = new SplittableRandom(s.seed() + writer);
    int myKeys = (s.keys() - writer + writers - 1) / writers;
    int myOps = s.events() / writers + (writer < s.events() % writers ? 1 : 0);
    double myRate = s.ratePerSecond() / writers;
    boolean[] exists = new boolean[myKeys];
    Deque<byte[]> late = new ArrayDeque<>();
    int sent = 0;
    int duplicates = 0;
    int reordered = 0;
    try (ObjectStore store = source.open()) {
      for (int op = 0; op < myOps; op++) {
        int slot = r.nextInt(myKeys);
        String key = source.keyOf("load/key-" + (writer + slot * writers));
        double roll = r.nextDouble();
        byte[] event;
        if (!exists[slot] || roll < s.createShare() + s.overwriteShare()) {
          long size = sizes.draw(r, s.minSize(), s.maxSize());
          String etag = put(store, key, r.nextLong(), size);
          exists[slot] = true;
          event = event(source.uri().container(), key, "ObjectCreated:Put", size, etag);
        } else {
          store.delete(key);
          exists[slot] = false;
          event = event(source.uri().container(), key, "ObjectRemoved:Delete", 0, null);
        }
        if (r.nextDouble() < s.reorderShare()) {
          late.add(event); // delivered after the next event
          reordered++;
        } else {
          producer.send(new ProducerRecord<>(topic, event));
          sent++;
          while (!late.isEmpty()) {
            producer.send(new ProducerRecord<>(topic, late.poll()));
            sent++;
          }
        }
        if (r.nextDouble() < s.duplicateShare()) {
          producer.send(new ProducerRecord<>(topic, event));
          sent++;
          duplicates++;
        }
        long due = start + (long) ((op + 1) / myRate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      while (!late.isEmpty()) {
        producer.send(new ProducerRecord<>(topic, late.poll()));
        sent++;
      }
    }
    return new int[] {sent, duplicates, reordered};
  }

  /**
   * Writes generated content, again from the same seed when the store could not be reached: the
   * generator is a client like any other, and a dropped connection must not end the load.
   */
  private static String put(ObjectStore store, String key, long seed, long size)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return store.put(key, new GeneratedContent(seed, size), size, PutOptions.DEFAULT).etag();
      } catch (TransientStoreException e) {
        if (attempt == 3) {
          throw e;
        }
        Thread.sleep(100L * attempt);
      }
    }
  }

  private byte[] event(String bucket, String key, String name, long size, String etag) {
    return s3Notification(bucket, key, name, size, etag, sequencer.incrementAndGet());
  }

  /**
   * An S3 event notification of one object, as S3 sends it (key URL-encoded, the sequencer in
   * upper-case hex); {@code etag} is {@code null} for deletes.
   */
  public static byte[] s3Notification(
      String bucket, String key, String name, long size, String etag, long sequencer) {
    String seq = Long.toHexString(sequencer).toUpperCase(java.util.Locale.ROOT);
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
    String object =
        etag == null
            ? "{\"key\":\"" + encoded + "\",\"sequencer\":\"" + seq + "\"}"
            : "{\"key\":\""
                + encoded
                + "\",\"size\":"
                + size
                + ",\"eTag\":\""
                + etag
                + "\",\"sequencer\":\""
                + seq
                + "\"}";
    return ("{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
            + "\"eventTime\":\""
            + Instant.now()
            + "\",\"eventName\":\""
            + name
            + "\","
            + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\""
            + bucket
            + "\"},"
            + "\"object\":"
            + object
            + "}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
