package io.skyrelay.transforms.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ForwardingObjectStore;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.KeyFilter;
import io.skyrelay.transforms.values.NotificationMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole sync transform on the DirectRunner: notification messages in, replica bytes out. */
class SyncChangesTest {

  static final String TOPIC = "photo-events";

  static S3ProxyServer s3;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  /** An S3 event notification for one object, as S3 sends it (key URL-encoded). */
  static byte[] s3Event(
      String bucket, String key, String kind, long size, String etag, String sequencer) {
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
    String object =
        etag == null
            ? "{\"key\":\"" + encoded + "\",\"sequencer\":\"" + sequencer + "\"}"
            : "{\"key\":\"%s\",\"size\":%d,\"eTag\":\"%s\",\"sequencer\":\"%s\"}"
                .formatted(encoded, size, etag, sequencer);
    return ("{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
            + "\"awsRegion\":\"us-east-1\",\"eventTime\":\"%s\",\"eventName\":\"%s\","
            + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"%s\"},\"object\":%s}}]}")
        .formatted(java.time.Instant.now(), kind, bucket, object)
        .getBytes(StandardCharsets.UTF_8);
  }

  static StoreLocation local(Path dir) {
    return new StoreLocation(
        StoreUri.parse(dir.toUri().toString()), StoreSettings.EMPTY, "local:test");
  }

  static SyncMapping mapping(String bucket, List<StoreLocation> replicas) {
    return new SyncMapping(
        "photos",
        new StoreLocation(StoreUri.parse("s3://" + bucket), s3.settings(), "local:source"),
        TOPIC,
        "s3",
        replicas,
        true,
        KeyFilter.all(),
        true,
        null);
  }

  static String put(ObjectStore store, String key, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return store.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT).etag();
  }

  static byte[] read(ObjectStore store, String key) throws IOException {
    try (InputStream in = store.read(key, null, null)) {
      return in.readAllBytes();
    }
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

  static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
  }

  @Test
  void appliesTheNewestEventPerObjectToEveryReplicaAndDeadLettersMalformedMessages()
      throws Exception {
    String bucket = "sync-changes-1";
    s3.createBucket(bucket);
    Path r1 = tmp.resolve("replica-1");
    Path r2 = tmp.resolve("replica-2");
    Files.createDirectories(r1);
    Files.createDirectories(r2);
    for (Path r : List.of(r1, r2)) {
      // copied before; its delete below must reach every replica
      put(new LocalObjectStore(r), "c.txt", "c, deleted at the source");
    }
    List<NotificationMessage> arrivals = new ArrayList<>();
    try (ObjectStore src =
        new StoreLocation(StoreUri.parse("s3://" + bucket), s3.settings(), "x").open()) {
      // a.txt written twice with the same bytes: its two events carry the same ETag, and the
      // first one (sequencer 05) arrives after the second (0A): stale, it must not be applied
      put(src, "a.txt", "alpha");
      String ea = put(src, "a.txt", "alpha");
      arrivals.add(
          NotificationMessage.of(
              TOPIC, 0, 0, s3Event(bucket, "a.txt", "ObjectCreated:Put", 5, ea, "0A")));
      // b.txt's event arrives twice
      String eb = put(src, "b.txt", "bravo, longer");
      byte[] b = s3Event(bucket, "b.txt", "ObjectCreated:Put", 13, eb, "01");
      arrivals.add(NotificationMessage.of(TOPIC, 0, 1, b));
      arrivals.add(NotificationMessage.of(TOPIC, 0, 2, b));
      arrivals.add(
          NotificationMessage.of(
              TOPIC, 0, 3, s3Event(bucket, "a.txt", "ObjectCreated:Put", 5, ea, "05")));
      arrivals.add(
          NotificationMessage.of(
              TOPIC, 0, 4, s3Event(bucket, "c.txt", "ObjectRemoved:Delete", 0, null, "02")));
    }
    NotificationMessage malformed =
        new NotificationMessage(
            TOPIC,
            1,
            7,
            "k".getBytes(StandardCharsets.UTF_8),
            "{not json".getBytes(StandardCharsets.UTF_8),
            List.of(new NotificationMessage.Header("origin", "test".getBytes())));
    arrivals.add(2, malformed);

    // one message at a time, in this order: what arrives late must arrive late
    TestStream.Builder<NotificationMessage> stream =
        TestStream.create(AvroCoder.of(NotificationMessage.class));
    for (NotificationMessage m : arrivals) {
      stream = stream.addElements(m);
    }
    Pipeline p = pipeline();
    SyncResult result =
        p.apply(stream.advanceWatermarkToInfinity())
            .apply(
                SyncChanges.create()
                    .withMappings(List.of(mapping(bucket, List.of(local(r1), local(r2))))));
    PAssert.that(
            result
                .applied()
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            kv ->
                                kv.getValue().kind
                                    + " "
                                    + kv.getValue().key
                                    + " "
                                    + kv.getValue().sequencer)))
        .containsInAnyOrder("CREATED a.txt 0A", "CREATED b.txt 01", "DELETED c.txt 02");
    // the message whole (topic, partition, offset, key, value, headers), and why
    PAssert.that(
            result
                .deadLetters()
                .apply(
                    "DeadMessages",
                    MapElements.into(TypeDescriptor.of(NotificationMessage.class))
                        .via(d -> d.message)))
        .containsInAnyOrder(malformed);
    PAssert.that(
            result
                .deadLetters()
                .apply(
                    "DeadReasons", MapElements.into(TypeDescriptors.strings()).via(d -> d.reason)))
        .satisfies(
            reasons -> {
              for (String reason : reasons) {
                assertTrue(reason.toLowerCase().contains("json"), reason);
              }
              return null;
            });
    PipelineResult run = p.run();
    assertEquals(PipelineResult.State.DONE, run.waitUntilFinish());

    for (Path r : List.of(r1, r2)) {
      LocalObjectStore replica = new LocalObjectStore(r);
      assertArrayEquals("alpha".getBytes(StandardCharsets.UTF_8), read(replica, "a.txt"), r + "");
      assertArrayEquals(
          "bravo, longer".getBytes(StandardCharsets.UTF_8), read(replica, "b.txt"), r + "");
      assertFalse(Files.exists(r.resolve("c.txt")), r + "/c.txt was deleted");
    }
    assertEquals(arrivals.size(), counter(run, "events-in"));
    assertEquals(1, counter(run, "dead-lettered"));
    assertEquals(1, counter(run, "skipped.stale"));
    assertEquals(1, counter(run, "skipped.duplicate"));
    assertEquals(3, counter(run, "applied"));
  }

  /** The full names of the steps that run (the Flink runner's operator uids), but Create's. */
  static List<String> primitiveNames(Pipeline p) {
    List<String> names = new ArrayList<>();
    p.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (!node.getFullName().startsWith("Create.")) {
              names.add(node.getFullName());
            }
          }
        });
    return names;
  }

  static PCollection<NotificationMessage> someMessages(Pipeline p) {
    return p.apply(
        Create.of(NotificationMessage.of(TOPIC, 0, 0, new byte[0]))
            .withCoder(AvroCoder.of(NotificationMessage.class)));
  }

  @Test
  void appliedWithNoPrefixItsStepsKeepTheJobsStepNames() {
    Pipeline p = pipeline();
    someMessages(p)
        .apply(
            SyncChanges.NO_PREFIX,
            SyncChanges.create().withMappings(List.of(mapping("photos", List.of(local(tmp))))));
    assertEquals(
        List.of(
            "Parse",
            "OrderPerKey/ParMultiDo(OrderPerKey)",
            "Apply/ParMultiDo(ApplyChanges)",
            "Archive/ParMultiDo(Archive)",
            "DeadLetters"),
        primitiveNames(p));
  }

  @Test
  void appliedUnderANameItsStepsAreNestedUnderIt() {
    Pipeline p = pipeline();
    someMessages(p)
        .apply(
            "Sync",
            SyncChanges.create().withMappings(List.of(mapping("photos", List.of(local(tmp))))));
    assertEquals("Sync/Parse", primitiveNames(p).get(0));
  }

  @Test
  void mappingsAreRequired() {
    Pipeline p = pipeline();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> someMessages(p).apply(SyncChanges.create()));
    assertEquals("withMappings() is required", e.getMessage());
  }

  @Test
  void noMappingsAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SyncChanges.create().withMappings(List.of()));
    assertEquals("withMappings() needs at least one mapping", e.getMessage());
  }

  @Test
  void applyConcurrencyBelowOneIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SyncChanges.create().withApplyConcurrency(0));
    assertEquals("withApplyConcurrency() must be at least 1, got 0", e.getMessage());
  }

  @Test
  void settersReturnCopies() {
    SyncChanges base = SyncChanges.create();
    SyncChanges withMappings = base.withMappings(List.of(mapping("photos", List.of(local(tmp)))));
    assertTrue(base != withMappings);
    Pipeline p = pipeline();
    // the original is still without mappings
    assertThrows(IllegalStateException.class, () -> someMessages(p).apply(base));
  }

  @Test
  void archiveWithoutKeepLocalLeavesAnObjectOverwrittenBetweenTheCopyAndTheDelete()
      throws Exception {
    String bucket = "archive-race";
    s3.createBucket(bucket);
    Path archiveDir = tmp.resolve("archive");
    SyncMapping base = mapping(bucket, List.of(local(tmp.resolve("replica"))));
    SyncMapping m =
        new SyncMapping(
            base.name(),
            base.source(),
            base.topic(),
            base.format(),
            base.replicas(),
            true,
            base.filter(),
            true,
            new SyncMapping.ArchivePolicy(
                local(archiveDir), java.time.Duration.ofSeconds(1), false, null));
    try (ObjectStore source = m.source().open();
        ObjectStore archive = new LocalObjectStore(archiveDir)) {
      ChangeEvent created = new ChangeEvent();
      created.store = "s3";
      created.bucket = bucket;
      created.key = "hot.txt";
      created.kind = ChangeEvent.Kind.CREATED;
      created.etag = put(source, "hot.txt", "version 1, archived");
      created.eventTimeMillis = System.currentTimeMillis();
      // The hot object is overwritten once its archive copy is written, before the delete.
      ObjectStore overwritingAfterTheCopy =
          new ForwardingObjectStore(archive) {
            @Override
            public WriteResult put(String key, InputStream in, long length, PutOptions options) {
              WriteResult written = super.put(key, in, length, options);
              SyncChangesTest.put(source, "hot.txt", "version 2, written while archiving");
              return written;
            }
          };

      assertTrue(ArchiveFn.archive(m, created, source, overwritingAfterTheCopy));

      assertEquals("version 1, archived", new String(read(archive, "hot.txt"), UTF_8));
      assertEquals(
          "version 2, written while archiving",
          new String(read(source, "hot.txt"), UTF_8),
          "the newer version survives in the hot store");

      // Not overwritten: the hot copy goes.
      created.key = "cold.txt";
      created.etag = put(source, "cold.txt", "archived and removed");
      assertTrue(ArchiveFn.archive(m, created, source, archive));
      assertEquals("archived and removed", new String(read(archive, "cold.txt"), UTF_8));
      assertFalse(source.listAllToList("").stream().anyMatch(o -> o.key().equals("cold.txt")));
    }
  }
}
