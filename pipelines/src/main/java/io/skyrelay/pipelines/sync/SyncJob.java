package io.skyrelay.pipelines.sync;

import io.skyrelay.transforms.sync.ApplyChangesFn;
import io.skyrelay.transforms.sync.ArchiveFn;
import io.skyrelay.transforms.sync.OrderPerKeyFn;
import io.skyrelay.transforms.values.ChangeEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The streaming sync pipeline:
 *
 * <pre>
 * ReadEvents (Kafka) -> Parse -> [malformed -> WriteDeadLetters (Kafka)]
 *   -> OrderPerKey (keyed state) -> Apply (to replicas) -> Archive (timers)
 * </pre>
 *
 * Kafka offsets are committed when the runner finalizes a checkpoint, so a restart resumes after
 * the last checkpoint; events after it are applied again, which is harmless because applying is
 * idempotent.
 */
public final class SyncJob {

  private SyncJob() {}

  /**
   * The settings of {@code consumer} that say how to reach the cluster rather than how to read
   * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, {@code client.dns.lookup}): the
   * dead-letter writer needs them too.
   */
  static Map<String, Object> connectionSettings(Map<String, String> consumer) {
    Map<String, Object> out = new HashMap<>();
    consumer.forEach(
        (k, v) -> {
          if (k.startsWith("security.")
              || k.startsWith("sasl.")
              || k.startsWith("ssl.")
              || k.equals("client.dns.lookup")) {
            out.put(k, v);
          }
        });
    return out;
  }

  /**
   * Adds the sync job to {@code p}.
   *
   * @param maxRecords stop after this many records (a bounded run, for tests and reconciliation of
   *     a backlog), or 0 to run until cancelled
   */
  public static Pipeline build(Pipeline p, SyncConfig config, long maxRecords) {
    Map<String, Object> consumer = new HashMap<>(config.kafka().consumer());
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().groupId());
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaIO.Read<byte[], byte[]> read =
        KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(config.kafka().bootstrapServers())
            .withTopics(config.topics())
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            .withConsumerConfigUpdates(consumer)
            .commitOffsetsInFinalize();
    if (maxRecords > 0) {
      read = read.withMaxNumRecords(maxRecords);
    }
    PCollection<KafkaRecord<byte[], byte[]>> records = p.apply("ReadEvents", read);
    PCollectionTuple parsed =
        records.apply(
            "Parse",
            ParDo.of(new ParseEventsFn(config.mappings(), config.kafka().deadLetterTopic()))
                .withOutputTags(ParseEventsFn.EVENTS, TupleTagList.of(ParseEventsFn.DEAD_LETTERS)));
    parsed
        .get(ParseEventsFn.DEAD_LETTERS)
        .setCoder(
            ProducerRecordCoder.of(NullableCoder.of(ByteArrayCoder.of()), ByteArrayCoder.of()))
        .apply(
            "WriteDeadLetters",
            KafkaIO.<byte[], byte[]>writeRecords()
                .withBootstrapServers(config.kafka().bootstrapServers())
                .withTopic(config.kafka().deadLetterTopic())
                .withKeySerializer(ByteArraySerializer.class)
                .withValueSerializer(ByteArraySerializer.class)
                .withProducerConfigUpdates(connectionSettings(config.kafka().consumer())));
    KvCoder<String, ChangeEvent> coder =
        KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(ChangeEvent.class));
    parsed
        .get(ParseEventsFn.EVENTS)
        .setCoder(coder)
        .apply("OrderPerKey", ParDo.of(new OrderPerKeyFn()))
        .setCoder(coder)
        .apply("Apply", ParDo.of(new ApplyChangesFn(config.mappings())))
        .setCoder(coder)
        .apply("Archive", ParDo.of(new ArchiveFn(config.mappings())));
    return p;
  }
}
