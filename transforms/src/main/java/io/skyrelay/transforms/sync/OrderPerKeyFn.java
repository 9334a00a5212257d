package io.skyrelay.transforms.sync;

import io.skyrelay.transforms.values.ChangeEvent;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Lets through, per object, only events newer than the newest one seen (by {@link EventOrder}):
 * duplicates and events that arrive after a newer one are dropped and counted. The newest event per
 * key is keyed state, so it survives restarts from a checkpoint.
 */
public final class OrderPerKeyFn extends DoFn<KV<String, ChangeEvent>, KV<String, ChangeEvent>> {

  @StateId("newest")
  private final StateSpec<ValueState<ChangeEvent>> newestSpec =
      StateSpecs.value(AvroCoder.of(ChangeEvent.class));

  @ProcessElement
  public void process(
      @Element KV<String, ChangeEvent> element,
      @StateId("newest") ValueState<ChangeEvent> newest,
      OutputReceiver<KV<String, ChangeEvent>> out) {
    ChangeEvent e = element.getValue();
    if (e.sequencer == null) {
      // Without an ordering token the event cannot be placed; applying stays safe because copies
      // are conditional on its ETag and deletes check the source.
      org.apache.beam.sdk.metrics.Metrics.counter(SyncMetrics.NAMESPACE, "unordered").inc();
      out.output(element);
      return;
    }
    ChangeEvent seen = newest.read();
    if (seen != null) {
      int c = EventOrder.compare(e, seen);
      if (c == 0) {
        SyncMetrics.skipped("duplicate");
        return;
      }
      if (c < 0) {
        SyncMetrics.skipped("stale");
        return;
      }
    }
    newest.write(e);
    out.output(element);
  }

  /** The coder of this step's keys; the key is the mapping index and the object. */
  public static StringUtf8Coder keyCoder() {
    return StringUtf8Coder.of();
  }

  /** The key of an event of mapping {@code mapping}. */
  public static String key(int mapping, ChangeEvent e) {
    return mapping + "|" + e.bucket + "/" + e.key;
  }

  /** The mapping index of a key made by {@link #key}. */
  public static int mappingOf(String key) {
    return Integer.parseInt(key.substring(0, key.indexOf('|')));
  }
}
