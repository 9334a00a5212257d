package io.skyrelay.transforms.replicate;

import io.skyrelay.transforms.values.CopyTask;
import io.skyrelay.transforms.values.DeleteTask;
import io.skyrelay.transforms.values.ObjectEntry;
import io.skyrelay.transforms.values.ObjectResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Compares the source listing with the listing of every destination, key by key. The input list
 * holds the source listing first, then one listing per destination. Outputs: {@link #COPY} (objects
 * missing or different at a destination), {@link #DELETE} (objects a destination has and the source
 * does not; only when the job deletes) and {@link #SKIPPED} (already in sync).
 */
public final class DiffListings extends PTransform<PCollectionList<ObjectEntry>, PCollectionTuple> {

  public static final TupleTag<CopyTask> COPY = new TupleTag<>("copy") {};
  public static final TupleTag<DeleteTask> DELETE = new TupleTag<>("delete") {};
  public static final TupleTag<ObjectResult> SKIPPED = new TupleTag<>("skipped") {};

  private final ReplicationSpec spec;

  public DiffListings(ReplicationSpec spec) {
    this.spec = spec;
  }

  @Override
  public PCollectionTuple expand(PCollectionList<ObjectEntry> listings) {
    List<TupleTag<ObjectEntry>> tags = new ArrayList<>();
    KeyedPCollectionTuple<String> keyed = null;
    for (int i = 0; i < listings.size(); i++) {
      TupleTag<ObjectEntry> tag = new TupleTag<>("listing-" + i);
      tags.add(tag);
      PCollection<KV<String, ObjectEntry>> byKey =
          listings
              .get(i)
              .apply(
                  "KeyListing" + i,
                  WithKeys.<String, ObjectEntry>of(e -> e.key)
                      .withKeyType(TypeDescriptors.strings()));
      byKey.setCoder(
          org.apache.beam.sdk.coders.KvCoder.of(StringUtf8Coder.of(), listings.get(i).getCoder()));
      keyed = keyed == null ? KeyedPCollectionTuple.of(tag, byKey) : keyed.and(tag, byKey);
    }
    return keyed
        .apply("JoinByKey", CoGroupByKey.create())
        .apply(
            "Decide",
            ParDo.of(new DecideFn(spec, tags))
                .withOutputTags(COPY, TupleTagList.of(DELETE).and(SKIPPED)));
  }

  private static final Counter PLANNED = Metrics.counter("skyrelay", "planned-copies");
  private static final Counter PLANNED_BYTES = Metrics.counter("skyrelay", "planned-bytes");

  /** Where decisions go: the outputs of a DoFn, or a test's lists. */
  interface Decisions {
    void copy(CopyTask task);

    void delete(DeleteTask task);

    void skipped(ObjectResult result);

    /** The {@link #COPY}, {@link #DELETE} and {@link #SKIPPED} outputs of a DoFn. */
    static Decisions to(DoFn.MultiOutputReceiver out) {
      return new Decisions() {
        @Override
        public void copy(CopyTask task) {
          out.get(COPY).output(task);
        }

        @Override
        public void delete(DeleteTask task) {
          out.get(DELETE).output(task);
        }

        @Override
        public void skipped(ObjectResult result) {
          out.get(SKIPPED).output(result);
        }
      };
    }
  }

  /**
   * Decides what destination {@code d} needs for one key, given the source's entry and the
   * destination's (either may be null).
   */
  static void decide(ReplicationSpec spec, int d, ObjectEntry src, ObjectEntry dst, Decisions out) {
    if (src == null) {
      if (dst != null && spec.delete()) {
        out.delete(new DeleteTask(d, dst));
      }
      return;
    }
    boolean sameKind = spec.source().uri().scheme().equals(spec.destination(d).uri().scheme());
    if (dst != null && spec.diffMode().inSync(src, dst, sameKind)) {
      out.skipped(new ObjectResult(d, src.key, ObjectResult.Action.SKIPPED, 0, null, null));
      ReplicationProgress.skipped(src.size);
    } else {
      out.copy(new CopyTask(d, src, dst == null ? "missing" : "changed"));
      PLANNED.inc();
      PLANNED_BYTES.inc(src.size);
      ReplicationProgress.planned(src.size);
    }
  }

  /** Decides, for one key, what each destination needs. */
  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, CopyTask> {
    private final ReplicationSpec spec;
    private final List<TupleTag<ObjectEntry>> tags;

    DecideFn(ReplicationSpec spec, List<TupleTag<ObjectEntry>> tags) {
      this.spec = spec;
      this.tags = tags;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, MultiOutputReceiver out) {
      ObjectEntry src = first(joined.getValue().getAll(tags.get(0)));
      Decisions decisions = Decisions.to(out);
      for (int d = 0; d < spec.destinations().size(); d++) {
        decide(spec, d, src, first(joined.getValue().getAll(tags.get(d + 1))), decisions);
      }
    }

    private static ObjectEntry first(Iterable<ObjectEntry> entries) {
      Iterator<ObjectEntry> it = entries.iterator();
      return it.hasNext() ? it.next() : null;
    }
  }
}
