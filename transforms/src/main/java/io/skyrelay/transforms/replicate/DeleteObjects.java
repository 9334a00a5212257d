package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.transforms.values.DeleteTask;
import io.skyrelay.transforms.values.ObjectResult;
import io.skyrelay.transforms.values.ObjectResult.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Deletes objects that a destination has and the source does not, in batches. When a destination
 * would lose more than the job's {@code maxDelete} objects, none of its deletes happen: each is
 * reported as {@link Action#DELETE_REFUSED}, so a wrong source path cannot empty a replica.
 */
public final class DeleteObjects
    extends PTransform<PCollection<DeleteTask>, PCollection<ObjectResult>> {

  private final ReplicationSpec spec;
  private final boolean planOnly;

  public DeleteObjects(ReplicationSpec spec) {
    this(spec, false);
  }

  private DeleteObjects(ReplicationSpec spec, boolean planOnly) {
    this.spec = spec;
    this.planOnly = planOnly;
  }

  /**
   * Decides as a run would, deleting nothing (dry run): deletes within {@code maxDelete} are
   * reported as planned, the others as refused, with the same message.
   */
  public DeleteObjects planOnly() {
    return new DeleteObjects(spec, true);
  }

  @Override
  public PCollection<ObjectResult> expand(PCollection<DeleteTask> tasks) {
    PCollectionView<Map<Integer, Long>> counts =
        tasks
            .apply(
                "ByDestination",
                MapElements.into(TypeDescriptors.integers()).via((DeleteTask t) -> t.destination))
            .apply("CountPerDestination", Count.perElement())
            .apply("AsMap", View.asMap());
    return tasks.apply(
        "Delete", ParDo.of(new DeleteFn(spec, counts, planOnly)).withSideInputs(counts));
  }

  /** Deletes in batches of up to 1000 keys per destination. */
  static final class DeleteFn extends DoFn<DeleteTask, ObjectResult> {
    private final ReplicationSpec spec;
    private final PCollectionView<Map<Integer, Long>> counts;
    private final boolean planOnly;
    private transient OpenStores stores;
    private transient Map<Integer, List<DeleteTask>> batch;

    DeleteFn(ReplicationSpec spec, PCollectionView<Map<Integer, Long>> counts, boolean planOnly) {
      this.spec = spec;
      this.counts = counts;
      this.planOnly = planOnly;
    }

    @Setup
    public void setup() {
      if (!planOnly) {
        stores = new OpenStores(spec);
      }
    }

    @StartBundle
    public void start() {
      batch = new HashMap<>();
    }

    @ProcessElement
    public void process(ProcessContext c) {
      DeleteTask t = c.element();
      long planned = c.sideInput(counts).getOrDefault(t.destination, 0L);
      if (planned > spec.maxDelete()) {
        c.output(
            new ObjectResult(
                t.destination,
                t.target.key,
                Action.DELETE_REFUSED,
                0,
                null,
                planned
                    + " objects would be deleted at "
                    + spec.destination(t.destination)
                    + ", more than --max-delete="
                    + spec.maxDelete()
                    + "; check the source path, or raise --max-delete"));
        return;
      }
      if (planOnly) {
        c.output(new ObjectResult(t.destination, t.target.key, Action.DELETED, 0, "planned", null));
        return;
      }
      batch.computeIfAbsent(t.destination, d -> new ArrayList<>()).add(t);
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      for (var e : batch.entrySet()) {
        int d = e.getKey();
        List<DeleteTask> tasks = e.getValue();
        for (int i = 0; i < tasks.size(); i += 1000) {
          List<DeleteTask> slice = tasks.subList(i, Math.min(tasks.size(), i + 1000));
          List<String> keys = new ArrayList<>();
          slice.forEach(t -> keys.add(spec.destination(d).keyOf(t.target.key)));
          Map<String, String> failed;
          try {
            BatchDeleteResult r = stores.destinations.get(d).deleteAll(keys);
            failed = r.failed();
          } catch (StoreException ex) {
            failed = new HashMap<>();
            for (String k : keys) {
              failed.put(k, ex.getMessage());
            }
          }
          for (DeleteTask t : slice) {
            String error = failed.get(spec.destination(d).keyOf(t.target.key));
            c.output(
                new ObjectResult(
                    d,
                    t.target.key,
                    error == null ? Action.DELETED : Action.FAILED,
                    0,
                    null,
                    error == null ? null : "delete failed: " + error),
                BoundedWindow.TIMESTAMP_MIN_VALUE,
                GlobalWindow.INSTANCE);
          }
        }
      }
      batch.clear();
    }

    @Teardown
    public void teardown() {
      if (stores != null) {
        stores.close();
      }
    }
  }
}
