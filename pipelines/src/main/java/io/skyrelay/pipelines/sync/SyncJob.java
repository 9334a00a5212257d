package io.skyrelay.pipelines.sync;

import io.skyrelay.transforms.sync.SyncChanges;
import io.skyrelay.transforms.sync.SyncResult;
import io.skyrelay.transforms.values.DeadLetter;
import io.skyrelay.transforms.values.NotificationMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The streaming sync pipeline:
 *
 * <pre>
 * ReadEvents (Kafka) -> ToMessages -> {@link SyncChanges}: Parse -> OrderPerKey (keyed state)
 *   -> Apply (to replicas) -> Archive (timers)
 * Parse's malformed messages, Apply's events given up on -> ToDeadLetterRecords -> WriteDeadLetters
 * </pre>
 *
 * Kafka offsets are committed when the runner finalizes a checkpoint, so a restart resumes after
 * the last checkpoint; events after it are applied again, which is harmless because applying is
 * idempotent.
 */
public final class SyncJob {

  private SyncJob() {}

  /** A Kafka record as the sync transform reads it: topic, position, key, value and headers. */
  static final class ToMessageFn extends DoFn<KafkaRecord<byte[], byte[]>, NotificationMessage> {
    @ProcessElement
    public void process(
        @Element KafkaRecord<byte[], byte[]> record, OutputReceiver<NotificationMessage> out) {
      List<NotificationMessage.Header> headers = new ArrayList<>();
      if (record.getHeaders() != null) {
        for (Header h : record.getHeaders()) {
          headers.add(new NotificationMessage.Header(h.key(), h.value()));
        }
      }
      out.output(
          new NotificationMessage(
              record.getTopic(),
              record.getPartition(),
              record.getOffset(),
              record.getKV().getKey(),
              record.getKV().getValue(),
              headers));
    }
  }

  /**
   * A dead letter as a record of the dead-letter topic: the original key, value and headers, plus
   * {@code skyrelay-error} (the reason), {@code skyrelay-attempts} and {@code
   * skyrelay-source-topic}, {@code -partition}, {@code -offset} (-1 for an event that could not be
   * applied: its value is then the event, see {@link
   * io.skyrelay.transforms.sync.ApplyChangesFn#PAYLOAD_HEADER}).
   */
  static final class ToProducerRecordFn extends DoFn<DeadLetter, ProducerRecord<byte[], byte[]>> {
    private final String topic;

    ToProducerRecordFn(String topic) {
      this.topic = topic;
    }

    @ProcessElement
    public void process(
        @Element DeadLetter dead, OutputReceiver<ProducerRecord<byte[], byte[]>> out) {
      NotificationMessage m = dead.message;
      RecordHeaders headers = new RecordHeaders();
      for (NotificationMessage.Header h : m.headers) {
        headers.add(h.name, h.value);
      }
      headers.add("skyrelay-error", utf8(dead.reason));
      headers.add("skyrelay-attempts", utf8(Integer.toString(dead.attempts)));
      headers.add("skyrelay-source-topic", utf8(m.topic));
      headers.add("skyrelay-source-partition", utf8(Integer.toString(m.partition)));
      headers.add("skyrelay-source-offset", utf8(Long.toString(m.offset)));
      out.output(new ProducerRecord<>(topic, null, null, m.key, m.value, headers));
    }

    private static byte[] utf8(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }

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
    SyncResult result =
        p.apply("ReadEvents", read)
            .apply("ToMessages", ParDo.of(new ToMessageFn()))
            .setCoder(AvroCoder.of(NotificationMessage.class))
            // Applied under no name of its own: its steps keep the full names (Parse, OrderPerKey,
            // Apply, Archive) that the Flink runner uses as operator uids, so savepoints taken
            // before the steps became one transform still restore their state.
            .apply(SyncChanges.NO_PREFIX, SyncChanges.create().withMappings(config.mappings()));
    result
        .deadLetters()
        .apply(
            "ToDeadLetterRecords",
            ParDo.of(new ToProducerRecordFn(config.kafka().deadLetterTopic())))
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
    return p;
  }
}
