package io.skyrelay.transforms.replicate;

import io.skyrelay.transforms.values.KeyFilter;
import java.io.Serializable;
import java.util.List;

/**
 * Everything a replication job needs to know, as one serializable value.
 *
 * @param source where objects come from
 * @param destinations where they go (one or more)
 * @param chunkSize bytes per part for objects copied in parts (raised to a store's minimum)
 * @param diffMode how unchanged objects are recognised
 * @param delete remove destination objects that the source does not have
 * @param maxDelete refuse all deletes at a destination that would delete more than this
 * @param threads concurrent transfers per worker
 * @param serverSideCopy use server-side copy where source and destination allow it
 * @param routing how the bytes travel: direct, or through relay regions in planned shares
 * @param keys which keys (relative to the locations' prefixes) the job copies and deletes; others
 *     are left alone at both ends
 * @param views how workers see the stores they read, hop by hop ({@link StoreViews#PLAIN}: as they
 *     are)
 * @param bandwidth the job's limit on the bytes its workers send ({@link BandwidthLimit#NONE}:
 *     none)
 */
public record ReplicationSpec(
    StoreLocation source,
    List<StoreLocation> destinations,
    long chunkSize,
    DiffMode diffMode,
    boolean delete,
    long maxDelete,
    int threads,
    boolean serverSideCopy,
    Routing routing,
    KeyFilter keys,
    StoreViews views,
    BandwidthLimit bandwidth)
    implements Serializable {

  public static final long DEFAULT_CHUNK_SIZE = 64L << 20;

  /** A job whose bytes all travel on the direct path. */
  public ReplicationSpec(
      StoreLocation source,
      List<StoreLocation> destinations,
      long chunkSize,
      DiffMode diffMode,
      boolean delete,
      long maxDelete,
      int threads,
      boolean serverSideCopy) {
    this(
        source,
        destinations,
        chunkSize,
        diffMode,
        delete,
        maxDelete,
        threads,
        serverSideCopy,
        Routing.direct(),
        KeyFilter.all(),
        StoreViews.PLAIN,
        BandwidthLimit.NONE);
  }

  public ReplicationSpec {
    destinations = List.copyOf(destinations);
    if (routing == null) {
      routing = Routing.direct();
    }
    if (keys == null) {
      keys = KeyFilter.all();
    }
    if (views == null) {
      views = StoreViews.PLAIN;
    }
    if (bandwidth == null) {
      bandwidth = BandwidthLimit.NONE;
    }
    if (destinations.isEmpty()) {
      throw new IllegalArgumentException("at least one destination is required");
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
  }

  public ReplicationSpec withRouting(Routing routing) {
    return with(routing, keys, views);
  }

  /** This job with its workers sending at most {@code limit} bytes per second between them. */
  public ReplicationSpec withBandwidth(BandwidthLimit limit) {
    return new ReplicationSpec(
        source,
        destinations,
        chunkSize,
        diffMode,
        delete,
        maxDelete,
        threads,
        serverSideCopy,
        routing,
        keys,
        views,
        limit);
  }

  /** This job limited to the keys {@code keys} accepts. */
  public ReplicationSpec withKeys(KeyFilter keys) {
    return with(routing, keys, views);
  }

  /** This job with its workers reading stores through {@code views}. */
  public ReplicationSpec withViews(StoreViews views) {
    return with(routing, keys, views);
  }

  private ReplicationSpec with(Routing routing, KeyFilter keys, StoreViews views) {
    return new ReplicationSpec(
        source,
        destinations,
        chunkSize,
        diffMode,
        delete,
        maxDelete,
        threads,
        serverSideCopy,
        routing,
        keys,
        views,
        bandwidth);
  }

  public StoreLocation destination(int index) {
    return destinations.get(index);
  }
}
