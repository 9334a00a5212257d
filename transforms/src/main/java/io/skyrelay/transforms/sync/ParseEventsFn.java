package io.skyrelay.transforms.sync;

import io.skyrelay.transforms.sync.parse.ChangeEventParser;
import io.skyrelay.transforms.sync.parse.NotificationFormat;
import io.skyrelay.transforms.sync.parse.ParseResult;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.DeadLetter;
import io.skyrelay.transforms.values.NotificationMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Parses each notification message into change events and routes them to the mappings whose topic,
 * source, prefix and filters they match, keyed by mapping and object ({@link OrderPerKeyFn#key}). A
 * message that cannot be parsed goes, whole and with the reason, to the dead-letter output; the job
 * keeps running.
 */
final class ParseEventsFn extends DoFn<NotificationMessage, KV<String, ChangeEvent>> {

  static final TupleTag<KV<String, ChangeEvent>> EVENTS = new TupleTag<>("events") {};
  static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>("dead-letters") {};

  private final List<SyncMapping> mappings;
  private transient ChangeEventParser parser;

  ParseEventsFn(List<SyncMapping> mappings) {
    this.mappings = List.copyOf(mappings);
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
  public void process(@Element NotificationMessage message, MultiOutputReceiver out) {
    SyncMetrics.EVENTS_IN.inc();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < mappings.size(); i++) {
      if (mappings.get(i).topic().equals(message.topic)) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      deadLetter(message, "no mapping reads topic " + message.topic, out);
      return;
    }
    Map<String, String> headers = new HashMap<>();
    for (NotificationMessage.Header h : message.headers) {
      headers.put(h.name, h.text());
    }
    ParseResult parsed;
    try {
      parsed =
          parser.parse(message.value, headers, format(mappings.get(candidates.get(0)).format()));
    } catch (RuntimeException unexpected) {
      deadLetter(message, "parser error: " + unexpected, out);
      return;
    }
    if (parsed.isFailure()) {
      deadLetter(message, parsed.failure().orElse("unparseable"), out);
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

  private static void deadLetter(
      NotificationMessage message, String reason, MultiOutputReceiver out) {
    SyncMetrics.DEAD_LETTERED.inc();
    out.get(DEAD_LETTERS).output(new DeadLetter(message, reason));
  }
}
