package io.skyrelay.transforms.sync;

import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.DeadLetter;
import io.skyrelay.transforms.values.NotificationMessage;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The streaming sync from change notifications to replicas, in four steps:
 *
 * <pre>
 * Parse (notification messages -> change events per mapping; malformed -> dead letters)
 *   -> OrderPerKey (keyed state: only events newer than the newest seen per mapping and object)
 *   -> Apply (copy or delete at every replica of the mapping; events given up on -> dead letters)
 *   -> Archive (timers: copy unchanged objects to the archive store, later expire them)
 * </pre>
 *
 * <pre>{@code
 * SyncResult result =
 *     messages.apply(SyncChanges.NO_PREFIX, SyncChanges.create().withMappings(mappings));
 * result.deadLetters().apply(...);
 * }</pre>
 *
 * The step names are the operators' identities in Flink checkpoints and savepoints (the Flink
 * runner uses a step's full name, {@code Outer/Inner}, as its operator's uid). A job applied with
 * {@link #NO_PREFIX} keeps the names {@code Parse}, {@code OrderPerKey}, {@code Apply} and {@code
 * Archive}; under any other name they become {@code Name/Parse} and so on, and state from a
 * savepoint of the other naming is not restored. The counts are {@link SyncMetrics}.
 */
public final class SyncChanges extends PTransform<PCollection<NotificationMessage>, SyncResult> {

  /**
   * The name to apply this transform with so that its steps' full names carry no prefix, as those
   * of the sync job always had: {@code Parse}, {@code OrderPerKey}, {@code Apply}, {@code Archive}.
   */
  public static final String NO_PREFIX = "";

  private static final int DEFAULT_APPLY_CONCURRENCY = 32;

  private final List<SyncMapping> mappings;
  private final int applyConcurrency;
  private final int maxApplyAttempts;

  private SyncChanges(List<SyncMapping> mappings, int applyConcurrency, int maxApplyAttempts) {
    this.mappings = mappings;
    this.applyConcurrency = applyConcurrency;
    this.maxApplyAttempts = maxApplyAttempts;
  }

  /** A sync without mappings yet: set them with {@link #withMappings}. */
  public static SyncChanges create() {
    return new SyncChanges(null, DEFAULT_APPLY_CONCURRENCY, ApplyChangesFn.DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * The mappings: which topic feeds which source, and its replicas. Per-object state is keyed by a
   * mapping's position in this list, so a running job keeps the order when it resumes.
   */
  public SyncChanges withMappings(List<SyncMapping> mappings) {
    if (mappings == null || mappings.isEmpty()) {
      throw new IllegalArgumentException("withMappings() needs at least one mapping");
    }
    for (int i = 0; i < mappings.size(); i++) {
      if (mappings.get(i) == null) {
        throw new IllegalArgumentException("withMappings(): mapping " + i + " is null");
      }
    }
    return new SyncChanges(List.copyOf(mappings), applyConcurrency, maxApplyAttempts);
  }

  /**
   * How many events of a bundle are applied at once (copies wait on the network); 32 unless set.
   */
  public SyncChanges withApplyConcurrency(int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException(
          "withApplyConcurrency() must be at least 1, got " + concurrency);
    }
    return new SyncChanges(mappings, concurrency, maxApplyAttempts);
  }

  /**
   * How many times an event whose apply fails transiently is tried before it goes to the dead
   * letters ({@value ApplyChangesFn#DEFAULT_MAX_ATTEMPTS} unless set); an error that a retry cannot
   * fix sends it there at once.
   */
  public SyncChanges withMaxApplyAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException(
          "withMaxApplyAttempts() must be at least 1, got " + attempts);
    }
    return new SyncChanges(mappings, applyConcurrency, attempts);
  }

  /**
   * Apply's step with its two outputs, under the full name it had when it had one ({@code
   * Apply/ParMultiDo(ApplyChanges)}), which the Flink runner uses as the operator's uid.
   */
  private static final class Apply
      extends PTransform<PCollection<KV<String, ChangeEvent>>, PCollectionTuple> {
    private final ApplyChangesFn fn;

    Apply(ApplyChangesFn fn) {
      this.fn = fn;
    }

    @Override
    public PCollectionTuple expand(PCollection<KV<String, ChangeEvent>> events) {
      return events.apply(
          "ParMultiDo(ApplyChanges)",
          ParDo.of(fn)
              .withOutputTags(
                  ApplyChangesFn.APPLIED, TupleTagList.of(ApplyChangesFn.DEAD_LETTERS)));
    }
  }

  @Override
  public SyncResult expand(PCollection<NotificationMessage> messages) {
    if (mappings == null) {
      throw new IllegalStateException("withMappings() is required");
    }
    PCollectionTuple parsed =
        messages.apply(
            "Parse",
            ParDo.of(new ParseEventsFn(mappings))
                .withOutputTags(ParseEventsFn.EVENTS, TupleTagList.of(ParseEventsFn.DEAD_LETTERS)));
    PCollection<DeadLetter> unparsed =
        parsed.get(ParseEventsFn.DEAD_LETTERS).setCoder(AvroCoder.of(DeadLetter.class));
    KvCoder<String, ChangeEvent> coder =
        KvCoder.of(OrderPerKeyFn.keyCoder(), AvroCoder.of(ChangeEvent.class));
    PCollectionTuple outcomes =
        parsed
            .get(ParseEventsFn.EVENTS)
            .setCoder(coder)
            .apply("OrderPerKey", ParDo.of(new OrderPerKeyFn()))
            .setCoder(coder)
            .apply(
                "Apply",
                new Apply(new ApplyChangesFn(mappings, applyConcurrency, maxApplyAttempts)));
    PCollection<KV<String, ChangeEvent>> applied =
        outcomes.get(ApplyChangesFn.APPLIED).setCoder(coder);
    applied.apply("Archive", ParDo.of(new ArchiveFn(mappings)));
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(unparsed)
            .and(outcomes.get(ApplyChangesFn.DEAD_LETTERS).setCoder(AvroCoder.of(DeadLetter.class)))
            .apply("DeadLetters", Flatten.pCollections());
    return new SyncResult(messages.getPipeline(), applied, deadLetters);
  }
}
