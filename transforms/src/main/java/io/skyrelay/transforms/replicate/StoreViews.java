package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import java.io.Serializable;

/**
 * How a replication job's workers see a store they read from, hop by hop: {@link #readFor} is the
 * store of region {@code from} as read for bytes bound to region {@code to}. {@link #PLAIN} is the
 * store itself; an experiment can hand decorated stores instead ({@link EmulatedLinks} slows each
 * hop to a link's rate), without the copiers knowing.
 */
@FunctionalInterface
public interface StoreViews extends Serializable {

  /** Every store as it is. */
  StoreViews PLAIN = Plain.INSTANCE;

  /** {@code store}, of region {@code from}, as read for bytes that go to region {@code to}. */
  ObjectStore readFor(ObjectStore store, String from, String to);

  /** {@link #PLAIN}: one instance, also after a job's spec is deserialized on a worker. */
  enum Plain implements StoreViews {
    INSTANCE;

    @Override
    public ObjectStore readFor(ObjectStore store, String from, String to) {
      return store;
    }
  }
}
