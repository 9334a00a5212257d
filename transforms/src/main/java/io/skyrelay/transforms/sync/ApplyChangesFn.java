package io.skyrelay.transforms.sync;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.ObjectEntry;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies ordered change events to every replica of their mapping, idempotently:
 *
 * <ul>
 *   <li>a create, overwrite or metadata change copies the object from the source with If-Match on
 *       the event's ETag; if the source has changed or vanished since, the event is skipped
 *       (counted) because a later event brings the newer state;
 *   <li>a delete removes the replicas' copies when the mapping propagates deletes, unless the
 *       source object exists again (the delete is then stale) or, on GCS, the delete only retired a
 *       generation that a newer one replaced.
 * </ul>
 *
 * Applied events are passed on (for archiving).
 */
public final class ApplyChangesFn extends DoFn<KV<String, ChangeEvent>, KV<String, ChangeEvent>> {

  private static final Logger LOG = LoggerFactory.getLogger(ApplyChangesFn.class);

  private final List<SyncMapping> mappings;
  private transient List<ObjectStore> sources;
  private transient List<List<ObjectCopier>> copiers;
  private transient List<List<ObjectStore>> replicaStores;

  /** Objects larger than this are copied in parts. */
  static final long CHUNK = 64L << 20;

  public ApplyChangesFn(List<SyncMapping> mappings) {
    this.mappings = List.copyOf(mappings);
  }

  @Setup
  public void setup() {
    sources = new ArrayList<>();
    copiers = new ArrayList<>();
    replicaStores = new ArrayList<>();
    for (SyncMapping m : mappings) {
      ObjectStore src = m.source().open();
      sources.add(src);
      List<ObjectCopier> cs = new ArrayList<>();
      List<ObjectStore> stores = new ArrayList<>();
      for (var replica : m.replicas()) {
        ObjectStore store = replica.open();
        stores.add(store);
        cs.add(new ObjectCopier(src, m.source(), store, replica, true));
      }
      copiers.add(cs);
      replicaStores.add(stores);
    }
  }

  @ProcessElement
  public void process(
      @Element KV<String, ChangeEvent> element, OutputReceiver<KV<String, ChangeEvent>> out) {
    int m = OrderPerKeyFn.mappingOf(element.getKey());
    SyncMapping mapping = mappings.get(m);
    ChangeEvent e = element.getValue();
    String rel = mapping.relativeKey(e.key);
    if (rel == null || rel.isEmpty()) {
      SyncMetrics.skipped("outside-prefix");
      return;
    }
    boolean applied;
    try {
      applied =
          switch (e.kind) {
            case CREATED, METADATA_UPDATED -> copy(m, e, rel);
            case DELETED -> delete(m, mapping, e, rel);
          };
    } catch (StoreException ex) {
      // Not retried here: the runner retries the bundle, and applying is idempotent.
      LOG.warn("applying {} failed: {}", e, ex.getMessage());
      SyncMetrics.FAILED.inc();
      throw ex;
    }
    if (applied) {
      long lag = Math.max(0, System.currentTimeMillis() - e.eventTimeMillis);
      SyncMetrics.APPLIED.inc();
      SyncMetrics.LAG_MS.update(lag);
      LagRecorder.record(lag);
      out.output(element);
    }
  }

  private boolean copy(int m, ChangeEvent e, String rel) {
    ObjectStore source = sources.get(m);
    String etag = e.etag;
    long size = e.size;
    try {
      if (etag == null || size < 0) {
        ObjectInfo now = source.head(e.key);
        etag = etag == null ? now.etag() : etag;
        size = size < 0 ? now.size() : size;
      }
      ObjectEntry entry = new ObjectEntry(rel, size, etag, null, e.eventTimeMillis);
      for (ObjectCopier copier : copiers.get(m)) {
        if (size > CHUNK && !copier.copiesServerSide(size)) {
          copier.copyInParts(entry, CHUNK);
        } else {
          copier.copyWhole(entry);
        }
      }
      return true;
    } catch (PreconditionFailedException changed) {
      SyncMetrics.skipped("source-changed");
      return false;
    } catch (ObjectNotFoundException gone) {
      SyncMetrics.skipped("source-gone");
      return false;
    }
  }

  private boolean delete(int m, SyncMapping mapping, ChangeEvent e, String rel) {
    if (!mapping.propagateDelete()) {
      SyncMetrics.skipped("delete-not-propagated");
      return false;
    }
    if (e.overwrittenByGeneration != null) {
      SyncMetrics.skipped("generation-overwritten");
      return false;
    }
    try {
      sources.get(m).head(e.key);
      SyncMetrics.skipped("source-exists");
      return false;
    } catch (ObjectNotFoundException expected) {
      // the source object is gone: delete the copies
    }
    for (int r = 0; r < mapping.replicas().size(); r++) {
      replicaStores.get(m).get(r).delete(mapping.replicas().get(r).keyOf(rel));
    }
    return true;
  }

  @Teardown
  public void teardown() {
    if (sources != null) {
      sources.forEach(ObjectStore::close);
      replicaStores.forEach(list -> list.forEach(ObjectStore::close));
    }
  }
}
