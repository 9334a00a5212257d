package io.skyrelay.pipelines.sync;

import io.skyrelay.transforms.sync.OrderPerKeyFn;
import io.skyrelay.transforms.sync.SyncMapping;
import io.skyrelay.transforms.sync.SyncMetrics;
import io.skyrelay.transforms.sync.parse.ChangeEventParser;
import io.skyrelay.transforms.sync.parse.NotificationFormat;
import io.skyrelay.transforms.sync.parse.ParseResult;
import io.skyrelay.transforms.values.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Parses each Kafka record into change events and routes them to the mappings whose source, prefix
 * and filters they match. A record that cannot be parsed goes, with its original bytes and headers
 * and the reason, to the dead-letter output; the job keeps running.
 */
final class ParseEventsFn extends DoFn<KafkaRecord<byte[], byte[]>, KV<String, ChangeEvent>> {

  static final TupleTag<KV<String, ChangeEvent>> EVENTS = new TupleTag<>("events") {};
  static final TupleTag<ProducerRecord<byte[], byte[]>> DEAD_LETTERS =
      new TupleTag<>("dead-letters") {};

  private final List<SyncMapping> mappings;
  private final String deadLetterTopic;
  private transient ChangeEventParser parser;

  ParseEventsFn(List<SyncMapping> mappings, String deadLetterTopic) {
    this.mappings = List.copyOf(mappings);
    this.deadLetterTopic = deadLetterTopic;
  }

  static NotificationFormat format(String configured) {
    return switch (configured.toLowerCase(Locale.ROOT)) {
      case "s3" -> NotificationFormat.S3;
      case "eventbridge" -> NotificationFormat.EVENTBRIDGE;
      case "eventgrid" -> NotificationFormat.EVENT_GRID;
      case "gcs" -> NotificationFormat.GCS;
      default -> NotificationFormat.AUTO;
    };
  }

  @Setup
  public void setup() {
    parser = new ChangeEventParser();
  }

  @ProcessElement
  public void process(@Element KafkaRecord<byte[], byte[]> record, MultiOutputReceiver out) {
    SyncMetrics.EVENTS_IN.inc();
    String topic = record.getTopic();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < mappings.size(); i++) {
      if (mappings.get(i).topic().equals(topic)) {
        candidates.add(i);
      }
    }
    Map<String, String> headers = new HashMap<>();
    if (record.getHeaders() != null) {
      for (Header h : record.getHeaders()) {
        headers.put(
            h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
      }
    }
    byte[] value = record.getKV().getValue() == null ? new byte[0] : record.getKV().getValue();
    ParseResult parsed;
    try {
      parsed = parser.parse(value, headers, format(mappings.get(candidates.get(0)).format()));
    } catch (RuntimeException unexpected) {
      parsed = null;
      deadLetter(record, value, "parser error: " + unexpected, out);
      return;
    }
    if (parsed.isFailure()) {
      deadLetter(record, value, parsed.failure().orElse("unparseable"), out);
      return;
    }
    parsed.skipped().forEach(reason -> SyncMetrics.skipped("not-a-change"));
    for (ChangeEvent e : parsed.events()) {
      boolean routed = false;
      for (int i : candidates) {
        SyncMapping m = mappings.get(i);
        if (!m.source().uri().scheme().equals(e.store) || !bucketOf(m).equals(e.bucket)) {
          continue;
        }
        String rel = m.relativeKey(e.key);
        if (rel == null || !m.filter().accepts(rel)) {
          SyncMetrics.skipped("filtered");
          routed = true;
          continue;
        }
        out.get(EVENTS).output(KV.of(OrderPerKeyFn.key(i, e), e));
        routed = true;
      }
      if (!routed) {
        SyncMetrics.skipped("no-mapping");
      }
    }
  }

  static String bucketOf(SyncMapping m) {
    var uri = m.source().uri();
    return uri.scheme().equals("az") ? uri.account() + "/" + uri.container() : uri.container();
  }

  private void deadLetter(
      KafkaRecord<byte[], byte[]> record, byte[] value, String reason, MultiOutputReceiver out) {
    SyncMetrics.DEAD_LETTERED.inc();
    RecordHeaders headers = new RecordHeaders();
    if (record.getHeaders() != null) {
      for (Header h : record.getHeaders()) {
        headers.add(h);
      }
    }
    headers.add("skyrelay-error", reason.getBytes(StandardCharsets.UTF_8));
    headers.add("skyrelay-source-topic", record.getTopic().getBytes(StandardCharsets.UTF_8));
    headers.add(
        "skyrelay-source-partition",
        Integer.toString(record.getPartition()).getBytes(StandardCharsets.UTF_8));
    headers.add(
        "skyrelay-source-offset",
        Long.toString(record.getOffset()).getBytes(StandardCharsets.UTF_8));
    out.get(DEAD_LETTERS)
        .output(
            new ProducerRecord<>(
                deadLetterTopic, null, null, record.getKV().getKey(), value, headers));
  }
}
