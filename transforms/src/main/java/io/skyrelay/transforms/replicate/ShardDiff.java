package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.KeyOrder;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.transforms.values.ObjectEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Lists the source and every destination and compares them, shard by shard, in one pass: the
 * outputs of {@link DiffListings} ({@link DiffListings#COPY}, {@link DiffListings#DELETE}, {@link
 * DiffListings#SKIPPED}), plus the source's entries in {@link #SOURCE} when asked for (a manifest).
 *
 * <p>A shard is one first-level sub-prefix (relative to each location's prefix) found at the source
 * or at any destination, or the objects directly under the prefix. Each worker lists its shard at
 * every location page by page and merges the listings by key: stores list in ascending {@link
 * KeyOrder}, so a key's entries meet without shuffling and sorting every listing through a join.
 * The memory a shard needs is one listing page per location. (On Flink's batch mode the exchange
 * from here to the copies is still blocking by default; forcing it pipelined let copies start
 * during the listing but did not shorten a CPU-bound job on 2 cores.)
 */
public final class ShardDiff extends PTransform<PBegin, PCollectionTuple> {

  public static final TupleTag<ObjectEntry> SOURCE = new TupleTag<>("source-listing") {};

  /** The counter of source objects listed and left out by the job's filters. */
  public static final String FILTERED_OUT = "filtered-out";

  /** The counter of the bytes of the source objects left out by the job's filters. */
  public static final String FILTERED_OUT_BYTES = "filtered-out-bytes";

  private final ReplicationSpec spec;
  private final boolean emitSource;

  private ShardDiff(ReplicationSpec spec, boolean emitSource) {
    this.spec = spec;
    this.emitSource = emitSource;
  }

  public static ShardDiff of(ReplicationSpec spec) {
    return new ShardDiff(spec, false);
  }

  /** Also outputs every source entry to {@link #SOURCE}. */
  public ShardDiff withSourceListing() {
    return new ShardDiff(spec, true);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    List<String> shards = shards(spec);
    ReplicationProgress.shardsToList(shards.size());
    return begin
        .apply("Shards", Create.of(shards).withCoder(StringUtf8Coder.of()))
        .apply("Spread", Reshuffle.viaRandomKey())
        .apply(
            "ListAndCompare",
            ParDo.of(new DiffShardFn(spec, emitSource))
                .withOutputTags(
                    DiffListings.COPY,
                    TupleTagList.of(DiffListings.DELETE).and(DiffListings.SKIPPED).and(SOURCE)));
  }

  /** The shards of every location, relative to its prefix, without repeats. */
  static List<String> shards(ReplicationSpec spec) {
    SortedSet<String> all = new TreeSet<>(KeyOrder.COMPARATOR);
    List<StoreLocation> locations = new ArrayList<>();
    locations.add(spec.source());
    locations.addAll(spec.destinations());
    // keys outside the filters' folder are never listed at all
    String narrowed = spec.keys().listingPrefix();
    for (StoreLocation location : locations) {
      String prefix = location.uri().prefix();
      for (String shard : ListLocation.shards(location, narrowed)) {
        all.add(
            (ListLocation.isShallow(shard) ? ListLocation.SHALLOW : ListLocation.DEEP)
                + ListLocation.prefixOf(shard).substring(prefix.length()));
      }
    }
    return new ArrayList<>(all);
  }

  /** Lists one shard at every location and decides, key by key, what each destination needs. */
  static final class DiffShardFn extends DoFn<String, io.skyrelay.transforms.values.CopyTask> {
    private final ReplicationSpec spec;
    private final boolean emitSource;
    private final Counter listed = Metrics.counter("skyrelay", "listed");
    private final Counter filteredOut = Metrics.counter("skyrelay", FILTERED_OUT);
    private final Counter filteredOutBytes = Metrics.counter("skyrelay", FILTERED_OUT_BYTES);
    private transient ObjectStore source;
    private transient List<ObjectStore> destinations;

    DiffShardFn(ReplicationSpec spec, boolean emitSource) {
      this.spec = spec;
      this.emitSource = emitSource;
    }

    @Setup
    public void setup() {
      source = spec.source().open();
      destinations = new ArrayList<>();
      for (StoreLocation d : spec.destinations()) {
        destinations.add(d.open());
      }
    }

    @ProcessElement
    public void process(@Element String shard, MultiOutputReceiver out) {
      OutputReceiver<ObjectEntry> sourceOut = out.get(SOURCE);
      diff(
          shard,
          source,
          destinations,
          DiffListings.Decisions.to(out),
          emitSource ? sourceOut::output : e -> {});
      ReplicationProgress.shardListed();
    }

    /** Lists {@code shard} at the source and every destination, deciding key by key. */
    void diff(
        String shard,
        ObjectStore source,
        List<ObjectStore> destinations,
        DiffListings.Decisions out,
        Consumer<ObjectEntry> sourceEntries) {
      boolean shallow = ListLocation.isShallow(shard);
      String relative = ListLocation.prefixOf(shard);
      Listing src = new Listing(source, spec.source(), relative, shallow, true);
      List<Listing> dsts = new ArrayList<>();
      for (int d = 0; d < destinations.size(); d++) {
        dsts.add(new Listing(destinations.get(d), spec.destination(d), relative, shallow, false));
      }
      while (true) {
        String key = src.peekKey();
        for (Listing l : dsts) {
          String k = l.peekKey();
          if (k != null && (key == null || KeyOrder.compare(k, key) < 0)) {
            key = k;
          }
        }
        if (key == null) {
          return;
        }
        ObjectEntry s = src.takeIf(key);
        if (s != null && !spec.keys().acceptsModified(s.lastModifiedMillis)) {
          // The source has the key, but not at an age the job takes: left alone everywhere (a
          // newer replica is not "missing at the source").
          filteredOut.inc();
          filteredOutBytes.inc(s.size);
          for (Listing l : dsts) {
            l.takeIf(key);
          }
          continue;
        }
        if (s != null) {
          sourceEntries.accept(s);
        }
        for (int d = 0; d < dsts.size(); d++) {
          ObjectEntry dst = dsts.get(d).takeIf(key);
          if (s == null && dst != null && !spec.keys().acceptsModified(dst.lastModifiedMillis)) {
            continue; // only at the destination, and outside the ages: not the job's to delete
          }
          DiffListings.decide(spec, d, s, dst, out);
        }
      }
    }

    /** One location's listing of a shard, read a page at a time, checked to be in key order. */
    private final class Listing {
      private final ObjectStore store;
      private final StoreLocation location;
      private final ListRequest request;
      private final ArrayDeque<ObjectEntry> page = new ArrayDeque<>();
      private String token;
      private boolean done;
      private String last;
      private final boolean isSource;

      /**
       * A listing that keeps the entries the filters' keys and sizes select; ages are judged by the
       * caller, which needs to see the source's entries outside them.
       */
      Listing(
          ObjectStore store,
          StoreLocation location,
          String relative,
          boolean shallow,
          boolean isSource) {
        this.store = store;
        this.location = location;
        this.isSource = isSource;
        ListRequest r = ListRequest.of(location.uri().prefix() + relative);
        this.request = shallow ? r.withDelimiter("/") : r;
      }

      String peekKey() {
        while (page.isEmpty() && !done) {
          ListPage p = store.list(request.withPageToken(token));
          for (var info : p.objects()) {
            ObjectEntry e = ObjectEntry.of(info, location.uri().prefix());
            if (spec.keys().accepts(e.key, e.size)) {
              page.add(e); // keys outside the job are neither copied nor deleted
            } else if (isSource) {
              filteredOut.inc();
              filteredOutBytes.inc(e.size);
            }
          }
          listed.inc(p.objects().size());
          token = p.nextPageToken();
          done = token == null;
        }
        return page.isEmpty() ? null : page.peekFirst().key;
      }

      /** The next entry when it has {@code key}, else null (the listing stays where it is). */
      ObjectEntry takeIf(String key) {
        String next = peekKey();
        if (next == null || !next.equals(key)) {
          return null;
        }
        ObjectEntry e = page.pollFirst();
        if (last != null && KeyOrder.compare(last, e.key) >= 0) {
          throw new StoreException(
              "the listing of "
                  + location.uri()
                  + " returned '"
                  + e.key
                  + "' after '"
                  + last
                  + "': not in ascending key order (by UTF-8 bytes), which S3, Azure, GCS and"
                  + " local disk all keep and the comparison of listings relies on");
        }
        last = e.key;
        return e;
      }
    }

    @Teardown
    public void teardown() {
      if (source != null) {
        source.close();
      }
      if (destinations != null) {
        destinations.forEach(ObjectStore::close);
      }
    }
  }
}
