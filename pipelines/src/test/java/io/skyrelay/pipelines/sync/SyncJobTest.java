package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.sync.ApplyChangesFn;
import io.skyrelay.transforms.sync.SyncMetrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The sync job on a real Kafka broker (in-process KRaft) and real stores. */
class SyncJobTest {

  static EmbeddedKafkaKraftBroker kafka;
  static S3ProxyServer s3;
  static int seq = 1000;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = new EmbeddedKafkaKraftBroker(1, 1);
    kafka.afterPropertiesSet();
    s3 = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stop() {
    kafka.destroy();
    s3.close();
  }

  /** An S3 event notification for one object, as S3 sends it (key URL-encoded). */
  static byte[] s3Event(
      String bucket, String key, String kind, long size, String etag, String sequencer) {
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
    String object =
        kind.startsWith("ObjectRemoved")
            ? "{\"key\":\"" + encoded + "\",\"sequencer\":\"" + sequencer + "\"}"
            : "{\"key\":\""
                + encoded
                + "\",\"size\":"
                + size
                + ",\"eTag\":\""
                + etag
                + "\",\"sequencer\":\""
                + sequencer
                + "\"}";
    String json =
        "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
            + "\"eventTime\":\""
            + java.time.Instant.now()
            + "\",\"eventName\":\""
            + kind
            + "\","
            + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\""
            + bucket
            + "\"},"
            + "\"object\":"
            + object
            + "}}]}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static String nextSequencer() {
    return String.format("%016X", ++seq);
  }

  static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.getBrokersAsString());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, null, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Path config(String topic, String sourceBucket, String replicaUri, boolean propagate, String extra)
      throws IOException {
    Path f = tmp.resolve("sync-" + topic + ".yaml");
    Files.writeString(
        f,
        "kafka:\n"
            + "  bootstrap_servers: "
            + kafka.getBrokersAsString()
            + "\n"
            + "  group_id: g-"
            + topic
            + "\n"
            + "  dead_letter_topic: dlq-"
            + topic
            + "\n"
            + "stores:\n"
            + "  - uri: s3://"
            + sourceBucket
            + "\n"
            + "    endpoint: "
            + s3.endpoint()
            + "\n"
            + "    region-name: us-east-1\n"
            + "    access-key-id: "
            + S3ProxyServer.ACCESS_KEY
            + "\n"
            + "    secret-access-key: "
            + S3ProxyServer.SECRET_KEY
            + "\n"
            + "mappings:\n"
            + "  - name: photos\n"
            + "    source: s3://"
            + sourceBucket
            + "\n"
            + "    topic: "
            + topic
            + "\n"
            + "    format: s3\n"
            + "    replicas: [\""
            + replicaUri
            + "\"]\n"
            + "    propagate_delete: "
            + propagate
            + "\n"
            + extra);
    return f;
  }

  static Map<String, byte[]> contents(ObjectStore store) {
    Map<String, byte[]> m = new TreeMap<>();
    for (ObjectInfo o : store.listAll("")) {
      try (InputStream in = store.read(o.key(), null, null)) {
        m.put(o.key(), in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  static long counter(PipelineResult r, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(SyncMetrics.NAMESPACE, name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.getBrokersAsString());
    p.put("group.id", "reader-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 20_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void appliesOrderedEventsDropsStaleAndDuplicatesAndDeadLettersMalformedOnes() throws Exception {
    String bucket = "sync-src-1";
    s3.createBucket(bucket);
    Path replicaDir = tmp.resolve("replica");
    String topic = "events-1";
    int records = 0;
    try (ObjectStore src = ObjectStores.open("s3://" + bucket, s3.settings());
        KafkaProducer<byte[], byte[]> producer = producer()) {
      // a.txt: created, then overwritten; the first event arrives last (stale) and twice
      byte[] v1 = "a version 1".getBytes(StandardCharsets.UTF_8);
      String e1 =
          src.put("a.txt", new ByteArrayInputStream(v1), v1.length, PutOptions.DEFAULT).etag();
      String s1 = nextSequencer();
      byte[] v2 = "a version 2, longer".getBytes(StandardCharsets.UTF_8);
      String e2 =
          src.put("a.txt", new ByteArrayInputStream(v2), v2.length, PutOptions.DEFAULT).etag();
      String s2 = nextSequencer();
      send(producer, topic, s3Event(bucket, "a.txt", "ObjectCreated:Put", v2.length, e2, s2));
      send(producer, topic, s3Event(bucket, "a.txt", "ObjectCreated:Put", v1.length, e1, s1));
      send(producer, topic, s3Event(bucket, "a.txt", "ObjectCreated:Put", v2.length, e2, s2));
      records += 3;
      // a key with spaces and '+', URL-encoded in the event
      byte[] v3 = "spaced".getBytes(StandardCharsets.UTF_8);
      String e3 =
          src.put("dir/my photo+1.jpg", new ByteArrayInputStream(v3), v3.length, PutOptions.DEFAULT)
              .etag();
      send(
          producer,
          topic,
          s3Event(
              bucket, "dir/my photo+1.jpg", "ObjectCreated:Put", v3.length, e3, nextSequencer()));
      records++;
      // b.txt: created then deleted at the source
      byte[] vb = "b".getBytes(StandardCharsets.UTF_8);
      String eb = src.put("b.txt", new ByteArrayInputStream(vb), 1, PutOptions.DEFAULT).etag();
      send(producer, topic, s3Event(bucket, "b.txt", "ObjectCreated:Put", 1, eb, nextSequencer()));
      src.delete("b.txt");
      send(
          producer,
          topic,
          s3Event(bucket, "b.txt", "ObjectRemoved:Delete", 0, null, nextSequencer()));
      records += 2;
      // malformed, and S3's test event
      send(producer, topic, "{not json".getBytes(StandardCharsets.UTF_8));
      send(
          producer,
          topic,
          ("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2014-10-13T15:57:02.089Z\","
                  + "\"Bucket\":\""
                  + bucket
                  + "\",\"RequestId\":\"5582815E1AEA5ADF\"}")
              .getBytes(StandardCharsets.UTF_8));
      records += 2;
    }
    Path cfg = config(topic, bucket, replicaDir.toUri().toString(), true, "");
    SyncConfig config = SyncConfig.read(cfg, Map.of());
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    SyncJob.build(p, config, records);
    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    try (ObjectStore src = ObjectStores.open("s3://" + bucket, s3.settings());
        ObjectStore replica =
            ObjectStores.open(replicaDir.toUri().toString(), StoreSettings.EMPTY)) {
      Map<String, byte[]> expected = contents(src);
      Map<String, byte[]> actual = contents(replica);
      assertEquals(expected.keySet(), actual.keySet());
      expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
      assertEquals(List.of("a.txt", "dir/my photo+1.jpg"), new ArrayList<>(actual.keySet()));
    }
    assertEquals(records, counter(result, "events-in"));
    assertEquals(1, counter(result, "dead-lettered"));
    assertEquals(1, counter(result, "skipped.stale"));
    assertEquals(1, counter(result, "skipped.duplicate"));
    // a.txt, the spaced key and b.txt's delete; b.txt's create finds the source already gone
    assertEquals(3, counter(result, "applied"));
    assertEquals(1, counter(result, "skipped.source-gone"));

    List<ConsumerRecord<byte[], byte[]>> dead = readAll("dlq-" + topic, 1);
    assertEquals(1, dead.size());
    assertArrayEquals("{not json".getBytes(StandardCharsets.UTF_8), dead.get(0).value());
    String reason =
        new String(
            dead.get(0).headers().lastHeader("skyrelay-error").value(), StandardCharsets.UTF_8);
    assertTrue(reason.toLowerCase().contains("json"), reason);
    assertEquals(
        topic,
        new String(
            dead.get(0).headers().lastHeader("skyrelay-source-topic").value(),
            StandardCharsets.UTF_8));
  }

  @Test
  void anEventThatCannotBeAppliedIsDeadLetteredWithItsReasonAndTheJobKeepsApplyingOthers()
      throws Exception {
    Mapping m = mapping("poison");
    // A file where the replica needs a folder: blocked/x.txt can never be written there.
    Files.createDirectories(m.replicaDir());
    Files.writeString(m.replicaDir().resolve("blocked"), "in the way");
    PipelineResult result = null;
    try (ObjectStore src = ObjectStores.open("s3://" + m.bucket(), s3.settings());
        ObjectStore replica =
            ObjectStores.open(m.replicaDir().toUri().toString(), StoreSettings.EMPTY);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      byte[] v = "refused at the replica".getBytes(StandardCharsets.UTF_8);
      String etag =
          src.put("blocked/x.txt", new ByteArrayInputStream(v), v.length, PutOptions.DEFAULT)
              .etag();
      send(
          producer,
          m.topic(),
          s3Event(
              m.bucket(), "blocked/x.txt", "ObjectCreated:Put", v.length, etag, nextSequencer()));
      writeAndNotify(src, producer, m.bucket(), m.topic(), 0, 3, "before");
      Pipeline p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--blockOnRun=false")
                  .create());
      SyncJob.build(p, m.config(), 0);
      result = p.run();
      PipelineResult running = result;
      waitUntil(() -> counter(running, "dead-lettered") == 1, "blocked/x.txt is dead-lettered");

      List<ConsumerRecord<byte[], byte[]>> dead = readAll("dlq-" + m.topic(), 1);
      assertEquals(1, dead.size());
      assertEquals("blocked/x.txt", new String(dead.get(0).key(), StandardCharsets.UTF_8));
      String reason = header(dead.get(0), "skyrelay-error");
      assertTrue(reason.contains("blocked/x.txt") && reason.contains("is an object"), reason);
      assertEquals("1", header(dead.get(0), "skyrelay-attempts"), "not retried: it cannot help");
      assertEquals(
          ApplyChangesFn.PAYLOAD_CHANGE_EVENT, header(dead.get(0), ApplyChangesFn.PAYLOAD_HEADER));
      String event = new String(dead.get(0).value(), StandardCharsets.UTF_8);
      assertTrue(event.contains(etag) && event.contains("CREATED"), event);

      // Still running: events sent after the dead letter are applied too.
      writeAndNotify(src, producer, m.bucket(), m.topic(), 3, 2, "after");
      waitUntil(
          () -> contents(replica).keySet().containsAll(List.of("obj-0", "obj-3", "obj-4")),
          "the other objects are replicated");
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(contents(src).get("obj-" + i), contents(replica).get("obj-" + i));
      }
      assertEquals(PipelineResult.State.RUNNING, result.getState());
      assertEquals(1, counter(result, "dead-lettered"));
      assertEquals(1, counter(result, "failed"));
    } finally {
      if (result != null) {
        result.cancel();
      }
    }
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Writes {@code n} objects (or overwrites them) and sends their events. */
  static int writeAndNotify(
      ObjectStore src,
      KafkaProducer<byte[], byte[]> producer,
      String bucket,
      String topic,
      int from,
      int n,
      String tag) {
    for (int i = from; i < from + n; i++) {
      byte[] v = (tag + " object " + i).getBytes(StandardCharsets.UTF_8);
      String key = "obj-" + i;
      String etag = src.put(key, new ByteArrayInputStream(v), v.length, PutOptions.DEFAULT).etag();
      send(
          producer,
          topic,
          s3Event(bucket, key, "ObjectCreated:Put", v.length, etag, nextSequencer()));
    }
    return n;
  }

  static void waitUntil(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(200);
    }
  }

  static boolean sameContents(ObjectStore a, ObjectStore b) {
    Map<String, byte[]> x = contents(a);
    Map<String, byte[]> y = contents(b);
    if (!x.keySet().equals(y.keySet())) {
      return false;
    }
    return x.entrySet().stream()
        .allMatch(e -> java.util.Arrays.equals(e.getValue(), y.get(e.getKey())));
  }

  /** A fresh source bucket, replica folder and event topic for one test, and their mapping. */
  record Mapping(String bucket, Path replicaDir, String topic, SyncConfig config) {
    LoadGenerator generator() {
      return new LoadGenerator(
          config.mappings().get(0).source(), kafka.getBrokersAsString(), topic);
    }
  }

  Mapping mapping(String name) throws Exception {
    String bucket = "sync-src-" + name;
    s3.createBucket(bucket);
    Path replicaDir = tmp.resolve("replica-" + name);
    String topic = "events-" + name;
    return new Mapping(
        bucket,
        replicaDir,
        topic,
        SyncConfig.read(config(topic, bucket, replicaDir.toUri().toString(), true, ""), Map.of()));
  }

  /**
   * Runs the job on the DirectRunner over the events the generator sent, and asserts that the
   * replica then equals the source.
   */
  static PipelineResult runToEndAndCompare(Mapping m, LoadGenerator.Report report) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    SyncJob.build(p, m.config(), report.eventsSent());
    PipelineResult result = p.run();
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());
    try (ObjectStore src = ObjectStores.open("s3://" + m.bucket(), s3.settings());
        ObjectStore replica =
            ObjectStores.open(m.replicaDir().toUri().toString(), StoreSettings.EMPTY)) {
      assertTrue(sameContents(src, replica), "replica equals source after " + report);
    }
    return result;
  }

  @Test
  void aRestartedJobOnFlinkResumesFromItsCommittedOffsetsAndTheReplicaEndsEqual() throws Exception {
    Mapping m = mapping("restart");
    String bucket = m.bucket();
    String topic = m.topic();
    SyncConfig config = m.config();
    io.skyrelay.pipelines.common.RunnerOptions runner =
        new io.skyrelay.pipelines.common.RunnerOptions();
    try (ObjectStore src = ObjectStores.open("s3://" + bucket, s3.settings());
        ObjectStore replica =
            ObjectStores.open(m.replicaDir().toUri().toString(), StoreSettings.EMPTY);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      writeAndNotify(src, producer, bucket, topic, 0, 30, "first");

      io.skyrelay.transforms.sync.LagRecorder.reset();
      Pipeline first = Pipeline.create(runner.streamingOptions("sync-restart-1", 500));
      SyncJob.build(first, config, 0);
      PipelineResult run1 = first.run();
      waitUntil(() -> sameContents(src, replica), "the first batch is replicated");
      Thread.sleep(2_000); // at least one more checkpoint, which commits the offsets
      run1.cancel();
      long appliedBefore = io.skyrelay.transforms.sync.LagRecorder.count();
      assertTrue(appliedBefore >= 30, "applied " + appliedBefore);

      // While the job is down: overwrites, new objects and deletes.
      int events = writeAndNotify(src, producer, bucket, topic, 20, 20, "second");
      for (int i = 0; i < 5; i++) {
        src.delete("obj-" + i);
        send(
            producer,
            topic,
            s3Event(bucket, "obj-" + i, "ObjectRemoved:Delete", 0, null, nextSequencer()));
        events++;
      }

      io.skyrelay.transforms.sync.LagRecorder.reset();
      Pipeline second = Pipeline.create(runner.streamingOptions("sync-restart-2", 500));
      SyncJob.build(second, config, 0);
      PipelineResult run2 = second.run();
      waitUntil(() -> sameContents(src, replica), "the replica equals the source again");
      Thread.sleep(1_000);
      run2.cancel();
      assertTrue(sameContents(src, replica), "nothing missing, nothing extra");
      assertEquals(35, contents(replica).size());
      long appliedAfter = io.skyrelay.transforms.sync.LagRecorder.count();
      assertTrue(
          appliedAfter <= events + 5,
          "the restarted job resumed from its committed offsets: applied "
              + appliedAfter
              + " of "
              + events
              + " new events, not the whole topic again");
    }
  }

  @Test
  void deletesAreKeptWithoutPropagationAndArchiveModeMovesThenExpiresObjects() throws Exception {
    String bucket = "sync-src-archive";
    s3.createBucket(bucket);
    Path replicaDir = tmp.resolve("replica-archive");
    Path archiveDir = tmp.resolve("archive");
    String topic = "events-archive";
    String archive =
        "    copy_metadata: false\n"
            + "    archive:\n"
            + "      store: "
            + archiveDir.toUri()
            + "\n"
            + "      after: 2s\n"
            + "      keep_local: false\n"
            + "      expire_after: 3s\n";
    SyncConfig config =
        SyncConfig.read(
            config(topic, bucket, replicaDir.toUri().toString(), false, archive), Map.of());
    try (ObjectStore src = ObjectStores.open("s3://" + bucket, s3.settings());
        ObjectStore replica =
            ObjectStores.open(replicaDir.toUri().toString(), StoreSettings.EMPTY);
        ObjectStore archived =
            ObjectStores.open(archiveDir.toUri().toString(), StoreSettings.EMPTY);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      byte[] keep = "deleted at the source, kept at the replica".getBytes(StandardCharsets.UTF_8);
      String e1 =
          src.put(
                  "kept.txt",
                  new ByteArrayInputStream(keep),
                  keep.length,
                  PutOptions.of("text/x-kept", Map.of("owner", "team-a")))
              .etag();
      send(
          producer,
          topic,
          s3Event(bucket, "kept.txt", "ObjectCreated:Put", keep.length, e1, nextSequencer()));
      Pipeline p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--blockOnRun=false")
                  .create());
      SyncJob.build(p, config, 0);
      PipelineResult result = p.run();
      try {
        waitUntil(() -> contents(replica).containsKey("kept.txt"), "kept.txt is replicated");
        ObjectInfo copy = replica.head("kept.txt");
        assertEquals(Map.of(ObjectCopier.SOURCE_ETAG, e1), copy.metadata(), "copy_metadata: false");
        assertEquals(null, copy.contentType(), "copy_metadata: false");
        src.delete("kept.txt");
        send(
            producer,
            topic,
            s3Event(bucket, "kept.txt", "ObjectRemoved:Delete", 0, null, nextSequencer()));
        // The archive clock of kept.txt stops at its delete; old.txt is archived after 2 s.
        byte[] old = "archive me".getBytes(StandardCharsets.UTF_8);
        String e2 =
            src.put("old.txt", new ByteArrayInputStream(old), old.length, PutOptions.DEFAULT)
                .etag();
        send(
            producer,
            topic,
            s3Event(bucket, "old.txt", "ObjectCreated:Put", old.length, e2, nextSequencer()));
        waitUntil(() -> contents(archived).containsKey("old.txt"), "old.txt is archived");
        assertArrayEquals(old, contents(archived).get("old.txt"));
        waitUntil(
            () -> !contents(src).containsKey("old.txt"),
            "the source copy is removed (keep_local: false)");
        waitUntil(() -> !contents(archived).containsKey("old.txt"), "the archived copy expires");
        assertArrayEquals(keep, contents(replica).get("kept.txt"), "delete not propagated");
        assertEquals(
            false, contents(archived).containsKey("kept.txt"), "a deleted object is not archived");
        assertTrue(counter(result, "skipped.delete-not-propagated") >= 1);
      } finally {
        result.cancel();
      }
    }
  }

  @Test
  void underGeneratedLoadWithDuplicatesAndLateEventsTheReplicaEndsEqual() throws Exception {
    Mapping m = mapping("load");
    LoadGenerator.Report report =
        m.generator()
            .run(new LoadGenerator.Settings(400, 2000, 40, 10, 5000, 0.5, 0.3, 0.1, 0.1, 7, 4));
    assertTrue(report.duplicates() > 0 && report.reordered() > 0, report.toString());
    PipelineResult result = runToEndAndCompare(m, report);
    assertTrue(
        counter(result, "skipped.duplicate") + counter(result, "skipped.stale")
            >= report.duplicates());
  }

  @Test
  void objectsWrittenFirstAndTheirEventsSentLaterAreAllApplied() throws Exception {
    Mapping m = mapping("first");
    LoadGenerator generator = m.generator();
    List<LoadGenerator.Written> written = generator.writeFirst(120, 10, 3000, 11, 3);
    assertEquals(120, written.stream().map(LoadGenerator.Written::key).distinct().count());
    try (ObjectStore src = ObjectStores.open("s3://" + m.bucket(), s3.settings())) {
      for (LoadGenerator.Written w : written) {
        assertEquals(w.etag(), src.head(w.key()).etag(), w.key());
        assertEquals(w.size(), src.head(w.key()).size(), w.key());
      }
    }
    LoadGenerator.Report report = generator.sendCreates(written, 2000);
    assertEquals(120, report.eventsSent());
    PipelineResult result = runToEndAndCompare(m, report);
    assertEquals(120, counter(result, "applied"));
  }
}
