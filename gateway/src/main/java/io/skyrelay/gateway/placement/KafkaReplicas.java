package io.skyrelay.gateway.placement;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.gateway.config.GatewayConfig.KafkaReplication;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.namespace.PhysicalCopy;
import io.skyrelay.transforms.replicate.ObjectCopier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The replicas the sync job makes for the gateway: one S3 event notification ({@code
 * ObjectCreated:Put}) of the source copy per replica, on the topic of the replica's region, and the
 * replicas published and not yet found, which the {@link Replicator} looks for in their region's
 * store until they are there with the version's size and MD5 (or, where the store gives no MD5, the
 * source ETag the sync job's copier records).
 */
final class KafkaReplicas implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A replica published and not found yet. */
  record Awaited(
      ObjectVersion version,
      PhysicalCopy source,
      PhysicalCopy target,
      String sourceEtag,
      long publishedNanos) {}

  /** What looking for a published replica found. */
  enum Found {
    NOT_YET,
    VERIFIED,
    WRONG
  }

  private final KafkaReplication settings;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, Awaited> awaited = new ConcurrentHashMap<>();
  private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() << 16);

  KafkaReplicas(KafkaReplication settings) {
    this.settings = settings;
    Map<String, Object> props = new HashMap<>(settings.producer());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  KafkaReplication settings() {
    return settings;
  }

  /**
   * Publishes the change event that has the sync job copy {@code source} (in region {@code from})
   * to {@code target}'s region, and waits for Kafka to acknowledge it.
   */
  void publish(ObjectVersion v, PhysicalCopy source, PhysicalCopy target, RegionStore from) {
    String sourceEtag = from.store().head(source.physicalKey()).etag();
    // The event names the copy's key in the source region's bucket (its physical key under the
    // region's prefix); the sync job writes the same physical key under the target's prefix.
    String key = from.bucketKey(source.physicalKey());
    byte[] event =
        s3Event(
            from.location().uri().container(),
            key,
            v.size(),
            sourceEtag,
            sequencer.incrementAndGet());
    try {
      producer
          .send(
              new ProducerRecord<>(
                  settings.topicFor(target.region()), key.getBytes(StandardCharsets.UTF_8), event))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted publishing a change event", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot publish the change event for "
              + target.region()
              + " on "
              + settings.topicFor(target.region())
              + ": "
              + e,
          e);
    }
    awaited.put(
        id(v, target.region()), new Awaited(v, source, target, sourceEtag, System.nanoTime()));
  }

  /** The replicas published and not found yet. */
  List<Awaited> awaited() {
    return List.copyOf(awaited.values());
  }

  /** Stops looking for a replica (found, or no longer wanted). */
  void done(Awaited a) {
    awaited.remove(id(a.version(), a.target().region()), a);
  }

  /** Whether {@code a} was published longer ago than a copy should take. */
  boolean overdue(Awaited a) {
    return System.nanoTime() - a.publishedNanos() > settings.republishAfter().toNanos();
  }

  /** Looks for the replica in its region's store. */
  static Found look(Awaited a, RegionStore to) {
    ObjectInfo info;
    try {
      info = to.store().head(a.target().physicalKey());
    } catch (ObjectNotFoundException e) {
      return Found.NOT_YET;
    }
    ObjectVersion v = a.version();
    if (info.size() != v.size()) {
      return Found.WRONG;
    }
    if (info.md5() != null && v.md5() != null) {
      return info.md5().equalsIgnoreCase(v.md5()) ? Found.VERIFIED : Found.WRONG;
    }
    String recorded = info.metadata().get(ObjectCopier.SOURCE_ETAG);
    return a.sourceEtag().equals(recorded) ? Found.VERIFIED : Found.WRONG;
  }

  private static String id(ObjectVersion v, String region) {
    return v.versionId() + "\n" + region;
  }

  /** An S3 event notification of one created object, as the sync job's S3 parser reads it. */
  static byte[] s3Event(String bucket, String key, long size, String etag, long sequencer) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode r = root.putArray("Records").addObject();
    r.put("eventVersion", "2.1");
    r.put("eventSource", "aws:s3");
    r.put("eventTime", Instant.now().toString());
    r.put("eventName", "ObjectCreated:Put");
    ObjectNode s3 = r.putObject("s3");
    s3.put("s3SchemaVersion", "1.0");
    s3.putObject("bucket").put("name", bucket);
    ObjectNode o = s3.putObject("object");
    // S3 encodes keys in events as URL form data ('+' for a space).
    o.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8));
    o.put("size", size);
    o.put("eTag", etag);
    o.put("sequencer", Long.toHexString(sequencer).toUpperCase(Locale.ROOT));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
