package io.skyrelay.transforms.sync;

import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.DeadLetter;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link SyncChanges} produces: the change events it applied to the replicas, keyed by mapping
 * and object ({@link OrderPerKeyFn#mappingOf} gives the mapping's position), and the messages it
 * could not parse or events it gave up applying.
 */
public final class SyncResult implements POutput {

  private static final TupleTag<KV<String, ChangeEvent>> APPLIED = new TupleTag<>("applied") {};
  private static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>("dead-letters") {};

  private final Pipeline pipeline;
  private final PCollection<KV<String, ChangeEvent>> applied;
  private final PCollection<DeadLetter> deadLetters;

  SyncResult(
      Pipeline pipeline,
      PCollection<KV<String, ChangeEvent>> applied,
      PCollection<DeadLetter> deadLetters) {
    this.pipeline = pipeline;
    this.applied = applied;
    this.deadLetters = deadLetters;
  }

  /** The events applied at every replica of their mapping, once each. */
  public PCollection<KV<String, ChangeEvent>> applied() {
    return applied;
  }

  /**
   * The messages that could not be parsed, whole, and the events that could not be applied (see
   * {@link ApplyChangesFn}), each with the reason and the number of attempts.
   */
  public PCollection<DeadLetter> deadLetters() {
    return deadLetters;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(APPLIED, applied, DEAD_LETTERS, deadLetters);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, org.apache.beam.sdk.values.PInput input, PTransform<?, ?> transform) {}
}
