package io.skyrelay.pipelines.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.cluster.ClusterSettings;
import io.skyrelay.cluster.FlinkRest;
import io.skyrelay.cluster.KafkaBroker;
import io.skyrelay.cluster.LibFolder;
import io.skyrelay.cluster.LocalCluster;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.sync.SyncCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs on a real Flink standalone session cluster: a JobManager and a TaskManager as separate
 * processes started from {@code flink-cluster/target/lib}, a Kafka broker process, and in-process
 * S3Proxy endpoints that the TaskManagers reach over 127.0.0.1. Jobs are submitted as a user would,
 * through the {@code skyrelay} command line with {@code --flinkMaster}.
 */
@Timeout(420)
class FlinkClusterTest {

  @TempDir static Path tmp;
  static LocalCluster cluster;
  static KafkaBroker kafka;
  static S3ProxyServer east;
  static S3ProxyServer west;
  static Thread cleanup;
  static int sequencer = 5000;

  @BeforeAll
  static void start() throws Exception {
    east = S3ProxyServer.startInMemory();
    west = S3ProxyServer.startInMemory();
    int metrics = freePort();
    ClusterSettings s =
        ClusterSettings.defaults(tmp.resolve("cluster"))
            .withPorts(freePort(), freePort(), freePort(), metrics + "-" + (metrics + 3))
            .withTaskManagers(1, 2);
    cluster = new LocalCluster(s, LibFolder.locate());
    // Job jars are built into this test's folder, not the user's cache.
    System.setProperty("skyrelay.cache", tmp.resolve("cache").toString());
    kafka = new KafkaBroker(tmp.resolve("kafka"), freePort(), freePort(), LibFolder.locate());
    // Processes outlive a test JVM that is stopped: stop them on the way out too.
    cleanup = new Thread(FlinkClusterTest::stopProcesses);
    Runtime.getRuntime().addShutdownHook(cleanup);
    long t0 = System.nanoTime();
    cluster.start(System.out);
    kafka.start(System.out, Duration.ofSeconds(60));
    System.out.printf("cluster and Kafka ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() {
    stopProcesses();
    Runtime.getRuntime().removeShutdownHook(cleanup);
    east.close();
    west.close();
  }

  static void stopProcesses() {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    if (cluster != null) {
      cluster.stop(quiet);
    }
    if (kafka != null) {
      kafka.stop(quiet);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Runs the command line and returns its exit status and what it printed. */
  static Map.Entry<Integer, String> run(String... args) {
    return run(new ByteArrayOutputStream(), args);
  }

  /** Runs the command line; what it prints goes to {@code captured} as it comes. */
  static Map.Entry<Integer, String> run(ByteArrayOutputStream captured, String... args) {
    PrintStream original = System.out;
    PrintStream tee =
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                original.write(b);
                synchronized (captured) {
                  captured.write(b);
                }
              }

              @Override
              public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (captured) {
                  captured.write(b, off, len);
                }
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setOut(tee);
    try {
      int code = SkyrelayCli.commandLine().execute(args);
      return Map.entry(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  static String master() {
    return cluster.settings().master();
  }

  @Test
  void batchReplicationBetweenTwoS3EndpointsOnTheCluster() throws Exception {
    east.createBucket("cluster-src");
    west.createBucket("cluster-dst");
    Map<String, byte[]> data = new TreeMap<>();
    Random r = new Random(7);
    try (ObjectStore src = ObjectStores.open("s3://cluster-src", east.settings())) {
      for (int i = 0; i < 40; i++) {
        byte[] b = new byte[1 + r.nextInt(30_000)];
        r.nextBytes(b);
        put(src, "d/obj-" + i, b);
        data.put("obj-" + i, b);
      }
      byte[] large = new byte[(12 << 20) + 17];
      r.nextBytes(large);
      put(src, "d/large", large);
      data.put("large", large);
    }
    Path stores = tmp.resolve("stores.yaml");
    Files.writeString(
        stores, storeEntry("cluster-src", east) + storeEntry("cluster-dst", west).substring(8));
    long t0 = System.nanoTime();
    Map.Entry<Integer, String> result =
        run(
            "replicate",
            "s3://cluster-src/d/",
            "s3://cluster-dst/copy/",
            "--stores",
            stores.toString(),
            "--chunk-size",
            "5MiB",
            "--output",
            tmp.resolve("run").toString(),
            "--flinkMaster",
            master());
    System.out.printf("replicate on the cluster: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(0, result.getKey(), result.getValue());
    String out = result.getValue();
    assertTrue(out.contains("submitting to the Flink cluster at " + master()), out);
    assertTrue(out.matches("(?s).*job [0-9a-f]{32}: (RUNNING|FINISHED).*"), out);
    assertTrue(out.contains("copied 41"), out);
    try (ObjectStore dst = ObjectStores.open("s3://cluster-dst", west.settings())) {
      assertSame(data, readAll(dst, "copy/"));
    }
    assertTrue(
        cluster.rest().jobs().stream()
            .anyMatch(j -> j.name().equals("skyrelay-replicate") && j.state().equals("FINISHED")));
  }

  @Test
  void laterSubmissionsRunFromTheJobJarUploadedByTheFirst() throws Exception {
    east.createBucket("reuse-src");
    west.createBucket("reuse-dst");
    Map<String, byte[]> data = new TreeMap<>();
    Random r = new Random(11);
    try (ObjectStore src = ObjectStores.open("s3://reuse-src", east.settings())) {
      for (int i = 0; i < 20; i++) {
        byte[] b = new byte[1 + r.nextInt(8_000)];
        r.nextBytes(b);
        put(src, "obj-" + i, b);
        data.put("obj-" + i, b);
      }
    }
    Path stores = tmp.resolve("reuse-stores.yaml");
    Files.writeString(
        stores, storeEntry("reuse-src", east) + storeEntry("reuse-dst", west).substring(8));
    FlinkRest rest = cluster.rest();
    List<FlinkRest.UploadedJar> jars = null;
    for (String run : List.of("first", "second")) {
      long t0 = System.nanoTime();
      Map.Entry<Integer, String> result =
          run(
              "replicate",
              "s3://reuse-src",
              "s3://reuse-dst/" + run + "/",
              "--stores",
              stores.toString(),
              "--output",
              tmp.resolve("reuse-" + run).toString(),
              "--flinkMaster",
              master());
      System.out.printf("%s submission: %.1f s%n", run, (System.nanoTime() - t0) / 1e9);
      assertEquals(0, result.getKey(), result.getValue());
      assertTrue(result.getValue().contains("copied 20"), result.getValue());
      List<FlinkRest.UploadedJar> now = rest.jars();
      assertEquals(
          1,
          now.stream().filter(j -> j.name().startsWith("skyrelay-job-")).count(),
          now.toString());
      if (jars != null) {
        assertEquals(jars, now, "the second submission uploaded nothing");
        assertFalse(result.getValue().contains("uploading the job's jar"), result.getValue());
      }
      jars = now;
      try (ObjectStore dst = ObjectStores.open("s3://reuse-dst", west.settings())) {
        assertSame(data, readAll(dst, run + "/"));
      }
    }
  }

  @Test
  void syncRecoversFromALostTaskManagerAndResumesFromASavepoint() throws Exception {
    east.createBucket("sync-src");
    Path replica = tmp.resolve("replica");
    String topic = "bucket-events";
    Path config = tmp.resolve("sync.yaml");
    Files.writeString(
        config,
        "kafka:\n  bootstrap_servers: "
            + kafka.bootstrapServers()
            + "\n  group_id: cluster-sync\n  dead_letter_topic: cluster-dlq\n"
            + storeEntry("sync-src", east)
            + "mappings:\n  - name: photos\n    source: s3://sync-src\n    topic: "
            + topic
            + "\n    format: s3\n    replicas: [\""
            + replica.toUri()
            + "\"]\n    propagate_delete: true\n");
    FlinkRest rest = cluster.rest();
    try (ObjectStore src = ObjectStores.open("s3://sync-src", east.settings());
        ObjectStore dst = ObjectStores.open(replica.toUri().toString(), StoreSettings.EMPTY);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      // Events exist before the job: the topic is created and the job starts from the earliest.
      writeAndNotify(src, producer, topic, 0, 20, "first");
      long t0 = System.nanoTime();
      Map.Entry<Integer, String> submitted =
          run(
              "sync",
              "--config",
              config.toString(),
              "--flinkMaster",
              master(),
              "--checkpoint-interval",
              "1000",
              "--detach");
      assertEquals(0, submitted.getKey(), submitted.getValue());
      String jobId = jobId(submitted.getValue());
      waitUntil(() -> same(src, dst), Duration.ofSeconds(120), "the first events are applied");
      System.out.printf("sync submitted and caught up: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      long before = rest.checkpoints(jobId).completed();
      waitUntil(
          () -> checkpoints(rest, jobId).completed() > before,
          Duration.ofSeconds(60),
          "a checkpoint after the first events");

      // A TaskManager dies while events keep coming; a new one is started.
      t0 = System.nanoTime();
      cluster.killTaskManager(1);
      writeAndNotify(src, producer, topic, 10, 20, "second");
      for (int i = 0; i < 5; i++) {
        src.delete("obj-" + i);
        send(producer, topic, s3Event("obj-" + i, "ObjectRemoved:Delete", 0, null));
      }
      cluster.addTaskManager();
      waitUntil(
          () -> checkpoints(rest, jobId).restored() >= 1,
          Duration.ofSeconds(120),
          "the job restores its last checkpoint");
      writeAndNotify(src, producer, topic, 30, 5, "third");
      waitUntil(
          () -> same(src, dst), Duration.ofSeconds(120), "the replica equals the source again");
      System.out.printf(
          "recovered from the lost TaskManager: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      assertEquals("RUNNING", rest.jobState(jobId));
      assertEquals(30, readAll(dst, "").size());

      // Stop with a savepoint, change the source while no job runs, resume from the savepoint.
      t0 = System.nanoTime();
      Map.Entry<Integer, String> stopped =
          run(
              "cluster",
              "savepoint",
              SyncCommand.JOB_NAME,
              "--stop",
              "--flinkMaster",
              master(),
              "--dir",
              tmp.resolve("savepoints").toUri().toString());
      assertEquals(0, stopped.getKey(), stopped.getValue());
      Matcher m = Pattern.compile("savepoint: (\\S+)").matcher(stopped.getValue());
      assertTrue(m.find(), stopped.getValue());
      String savepoint = m.group(1);
      assertEquals("FINISHED", rest.jobState(jobId));
      writeAndNotify(src, producer, topic, 35, 5, "fourth");
      src.delete("obj-35");
      send(producer, topic, s3Event("obj-35", "ObjectRemoved:Delete", 0, null));
      // Resumed in the foreground: the command follows the job and reports its progress.
      ByteArrayOutputStream followed = new ByteArrayOutputStream();
      java.util.concurrent.atomic.AtomicInteger followExit =
          new java.util.concurrent.atomic.AtomicInteger(-1);
      Thread follower =
          new Thread(
              () ->
                  followExit.set(
                      run(
                              followed,
                              "sync",
                              "--config",
                              config.toString(),
                              "--flinkMaster",
                              master(),
                              "--checkpoint-interval",
                              "1000",
                              "--fromSavepoint",
                              savepoint,
                              "--status-every",
                              "2")
                          .getKey()));
      follower.start();
      waitUntil(
          () -> captured(followed).contains(" runs on "), Duration.ofSeconds(120), "submitted");
      String resumedId = jobId(captured(followed));
      waitUntil(() -> same(src, dst), Duration.ofSeconds(120), "the resumed job applies what came");
      System.out.printf(
          "stopped with a savepoint and resumed: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      FlinkRest.Checkpoints c = rest.checkpoints(resumedId);
      assertNotNull(c.restoredFrom(), "the resumed job started from the savepoint");
      assertTrue(
          savepoint.contains(c.restoredFrom().replaceFirst("^file:", "")),
          savepoint + " vs " + c.restoredFrom());
      assertEquals(34, readAll(dst, "").size());
      Pattern progress =
          Pattern.compile(
              "sync: job RUNNING, [1-9][\\d,]* records read between steps, events-in [1-9][\\d,]*,"
                  + " applied [1-9]");
      try {
        waitUntil(
            () -> progress.matcher(captured(followed)).find(),
            Duration.ofSeconds(60),
            "the command reports the job's progress and counters");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; metrics: " + rest.metricNames(resumedId), e);
      }

      // Stopping the job ends the command that follows it, with success.
      assertEquals(
          0, run("cluster", "savepoint", resumedId, "--stop", "--flinkMaster", master()).getKey());
      follower.join(60_000);
      assertEquals(0, followExit.get(), captured(followed));
      assertTrue(captured(followed).contains("sync: job DONE"), captured(followed));
    }
  }

  static String captured(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  static String jobId(String output) {
    Matcher m = Pattern.compile("job ([0-9a-f]{32}) runs on").matcher(output);
    assertTrue(m.find(), output);
    return m.group(1);
  }

  static FlinkRest.Checkpoints checkpoints(FlinkRest rest, String jobId) {
    try {
      return rest.checkpoints(jobId);
    } catch (IOException e) {
      return new FlinkRest.Checkpoints(0, 0, 0, null, null);
    }
  }

  static String storeEntry(String bucket, S3ProxyServer server) {
    return "stores:\n  - uri: s3://"
        + bucket
        + "\n    endpoint: "
        + server.endpoint()
        + "\n    region-name: us-east-1\n    access-key-id: "
        + S3ProxyServer.ACCESS_KEY
        + "\n    secret-access-key: "
        + S3ProxyServer.SECRET_KEY
        + "\n";
  }

  static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, null, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeAndNotify(
      ObjectStore src,
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      int from,
      int n,
      String tag) {
    for (int i = from; i < from + n; i++) {
      byte[] v = (tag + " object " + i).getBytes(StandardCharsets.UTF_8);
      String key = "obj-" + i;
      String etag = put(src, key, v);
      send(producer, topic, s3Event(key, "ObjectCreated:Put", v.length, etag));
    }
  }

  /**
   * Writes an object, again if the in-process endpoint drops the connection (seen once under heavy
   * load: a kept-alive connection closed by the server, "Broken pipe").
   */
  static String put(ObjectStore store, String key, byte[] data) {
    for (int attempt = 1; ; attempt++) {
      try {
        return store
            .put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT)
            .etag();
      } catch (TransientStoreException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** An S3 event notification for one object of bucket {@code sync-src}. */
  static byte[] s3Event(String key, String kind, long size, String etag) {
    String seq = String.format("%016X", ++sequencer);
    String object =
        etag == null
            ? "{\"key\":\"" + key + "\",\"sequencer\":\"" + seq + "\"}"
            : "{\"key\":\""
                + key
                + "\",\"size\":"
                + size
                + ",\"eTag\":\""
                + etag
                + "\",\"sequencer\":\""
                + seq
                + "\"}";
    return ("{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
            + "\"awsRegion\":\"us-east-1\",\"eventTime\":\""
            + java.time.Instant.now()
            + "\",\"eventName\":\""
            + kind
            + "\",\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"sync-src\"},"
            + "\"object\":"
            + object
            + "}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, byte[]> readAll(ObjectStore store, String prefix) {
    Map<String, byte[]> m = new TreeMap<>();
    for (ObjectInfo o : store.listAll(prefix)) {
      try (InputStream in = store.read(o.key(), null, null)) {
        m.put(o.key().substring(prefix.length()), in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }

  static boolean same(ObjectStore a, ObjectStore b) {
    Map<String, byte[]> x = readAll(a, "");
    Map<String, byte[]> y = readAll(b, "");
    return x.keySet().equals(y.keySet())
        && x.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), y.get(e.getKey())));
  }

  static void waitUntil(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting until " + what);
      }
      Thread.sleep(250);
    }
  }

  static void assertSame(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
  }
}
