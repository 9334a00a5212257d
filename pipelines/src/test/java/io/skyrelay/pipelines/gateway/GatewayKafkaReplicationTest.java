package io.skyrelay.pipelines.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.config.GatewayConfig.BucketConfig;
import io.skyrelay.gateway.config.GatewayConfig.KafkaReplication;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.namespace.PhysicalCopy;
import io.skyrelay.pipelines.sync.SyncConfig;
import io.skyrelay.pipelines.sync.SyncJob;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A gateway whose replication goes through Kafka, with the sync job that makes its replicas running
 * on the embedded runner against a real Kafka broker: a write through one region is published as a
 * change event, copied by the job into the other region's store, verified and marked ready by the
 * gateway, and then served from there.
 */
class GatewayKafkaReplicationTest {

  private static final String EAST = "local:east";
  private static final String WEST = "local:west";
  private static final AccessKey KEY = new AccessKey("KAFKAREPLKEY", "kafka-repl-secret-3Lw8");

  @TempDir Path tmp;

  @Test
  void aWriteInOneRegionIsCopiedToTheOtherByTheSyncJobAndServedThereOnceVerified()
      throws Exception {
    EmbeddedKafkaKraftBroker kafka =
        new EmbeddedKafkaKraftBroker(1, 1, "gw.local-east", "gw.local-west", "gw.dead-letters");
    kafka.afterPropertiesSet();
    try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
      s3.createBucket("gw-east");
      s3.createBucket("gw-west");
      Map<String, String> settings = s3.settings().asMap();
      GatewayConfig config =
          new GatewayConfig(
                  tmp.resolve("namespace").toString(),
                  List.of(
                      new RegionConfig(EAST, "127.0.0.1", 0, "s3://gw-east/copies", settings),
                      new RegionConfig(WEST, "127.0.0.1", 0, "s3://gw-west/copies", settings)),
                  List.of(new BucketConfig("photos", "push:" + WEST)),
                  "replicate-all",
                  List.of(KEY),
                  null,
                  Duration.ofSeconds(30))
              .withKafka(
                  new KafkaReplication(
                      kafka.getBrokersAsString(),
                      "gw",
                      Map.of(),
                      Duration.ofMillis(100),
                      Duration.ofMinutes(5)));
      SyncConfig job = GatewaySyncJob.syncConfig(config);
      assertEquals(2, job.mappings().size(), "one mapping per ordered pair of regions");

      Pipeline p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--blockOnRun=false")
                  .create());
      SyncJob.build(p, job, 0);
      PipelineResult result = p.run();
      try (Gateway gateway = Gateway.start(config);
          S3Client east = client(gateway, EAST);
          S3Client west = client(gateway, WEST)) {
        byte[] data = new byte[300_000];
        new Random(5).nextBytes(data);
        east.putObject(
            b -> b.bucket("photos").key("2024/cat.jpg").contentType("image/jpeg"),
            RequestBody.fromBytes(data));

        ObjectVersion v;
        try {
          v =
              await(
                  "the copy in west to be made by the job and marked ready",
                  () ->
                      gateway
                          .namespace()
                          .readyVersion("photos", "2024/cat.jpg")
                          .filter(x -> x.copies().size() == 2));
        } catch (AssertionError e) {
          throw new AssertionError(
              e.getMessage()
                  + "; west holds "
                  + keys(s3, "gw-west")
                  + ", east "
                  + keys(s3, "gw-east")
                  + "; events for west "
                  + events(kafka.getBrokersAsString(), "gw.local-west")
                  + "; dead letters "
                  + events(kafka.getBrokersAsString(), "gw.dead-letters"),
              e);
        }
        PhysicalCopy westCopy =
            v.copies().stream().filter(c -> c.region().equals(WEST)).findFirst().orElseThrow();

        // The copy is where the gateway looks for it (the same physical key as in east, under
        // west's prefix copies/), with the source ETag Skyrelay's copier records; neither bucket
        // holds anything outside its region's prefix.
        for (String bucket : List.of("gw-east", "gw-west")) {
          for (String k : keys(s3, bucket)) {
            assertTrue(k.startsWith("copies/"), bucket + " holds " + k + " outside copies/");
          }
        }
        StoreLocation westStore =
            new StoreLocation(StoreUri.parse("s3://gw-west/copies"), s3.settings(), WEST);
        try (ObjectStore store = westStore.open()) {
          ObjectInfo info = store.head(westStore.keyOf(westCopy.physicalKey()));
          assertEquals(data.length, info.size());
          assertTrue(
              info.metadata().containsKey(ObjectCopier.SOURCE_ETAG),
              "made by Skyrelay's copier: " + info.metadata());
        }

        // The gateway published one change event for it, on west's topic.
        List<String> events = events(kafka.getBrokersAsString(), "gw.local-west");
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).contains("ObjectCreated:Put"), events.get(0));

        ResponseBytes<GetObjectResponse> got =
            west.getObjectAsBytes(b -> b.bucket("photos").key("2024/cat.jpg"));
        assertArrayEquals(data, got.asByteArray());
        assertEquals(
            Optional.of(WEST),
            got.response().sdkHttpResponse().firstMatchingHeader("x-skyrelay-served-from"),
            "west serves its own copy");
        assertEquals("image/jpeg", got.response().contentType());
      } finally {
        result.cancel();
      }
    } finally {
      kafka.destroy();
    }
  }

  private static S3Client client(Gateway gateway, String region) {
    return S3Client.builder()
        .endpointOverride(gateway.endpoint(region))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY.id(), KEY.secret())))
        .build();
  }

  private static <T> T await(String what, Supplier<Optional<T>> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      Optional<T> v = condition.get();
      if (v.isPresent()) {
        return v.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static List<String> keys(S3ProxyServer s3, String bucket) {
    try (S3Client c = s3.client()) {
      return c.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
          .map(o -> o.key() + " " + o.eTag())
          .toList();
    }
  }

  /** Every record of {@code topic}, as text. */
  private static List<String> events(String brokers, String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", brokers);
    props.put("group.id", "test-reader");
    props.put("auto.offset.reset", "earliest");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (out.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }
}
