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
 * The memory a shard needs is one listing page per location.
 *
 * <p>A location whose first level does not fit in one listing page (a bucket of objects without
 * folders, or with very many) is cut into key ranges instead: boundaries are found by probing the
 * source for the first key after each group of keys that share a beginning (one request of one key
 * per probe), and each range, {@code (after, upto]}, is listed without a delimiter by its own
 * worker. (On Flink's batch mode the exchange from here to the copies is still blocking by default;
 * forcing it pipelined let copies start during the listing but did not shorten a CPU-bound job on 2
 * cores.)
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

  /** Shards that list a key range, {@code range:<prefix>\0<after>\0<upto>}, start with this. */
  static final String RANGE = "range:";

  private static final char SEP = '\0';

  /** A location listed by key ranges is cut into at most this many. */
  static final int RANGES = 32;

  /** At most this many one-key listings look for the ranges' boundaries. */
  static final int PROBES = 48;

  /** Sorts after every key that starts with what it is appended to (U+10FFFF, the last). */
  private static final String LAST = "\uDBFF\uDFFF";

  /**
   * The shard that lists the keys under {@code prefix} (relative) after {@code after} and up to
   * {@code upto}, both relative keys, or {@code null} for no bound.
   */
  static String range(String prefix, String after, String upto) {
    return RANGE + prefix + SEP + (after == null ? "" : after) + SEP + (upto == null ? "" : upto);
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
      List<String> ranges = keyRanges(location, narrowed);
      if (ranges != null) {
        return ranges;
      }
    }
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

  /**
   * The key ranges {@code relative} (a folder of the location, or empty) is listed by when its
   * first level does not fit in one listing page; {@code null} when it does (its folders are the
   * shards) or when no boundary can be found.
   */
  static List<String> keyRanges(StoreLocation location, String relative) {
    String base = location.uri().prefix();
    String prefix = base + relative;
    List<String> cuts;
    try (ObjectStore store = location.open()) {
      if (store.list(ListRequest.of(prefix).withDelimiter("/")).nextPageToken() == null) {
        return null;
      }
      List<io.skyrelay.connectors.ObjectInfo> first = store.list(ListRequest.of(prefix)).objects();
      if (first.isEmpty()) {
        return null;
      }
      cuts = boundaries(store, prefix, first.get(first.size() - 1).key());
    }
    if (cuts.isEmpty()) {
      return null;
    }
    List<String> ranges = new ArrayList<>();
    String after = null;
    for (String cut : cuts) {
      String upto = cut.substring(base.length());
      ranges.add(range(relative, after, upto));
      after = upto;
    }
    ranges.add(range(relative, after, null));
    return ranges;
  }

  /**
   * Keys under {@code prefix} that cut its listing into ranges, ascending, found from {@code last},
   * the last key of the first page: for each position from the shortest, the first key after every
   * group of keys that share {@code last}'s beginning up to there and differ at that position
   * ({@code photo-1...}, {@code photo-2...}, ...). Each probe lists one key.
   */
  static List<String> boundaries(ObjectStore store, String prefix, String last) {
    SortedSet<String> cuts = new TreeSet<>(KeyOrder.COMPARATOR);
    int probes = 0;
    for (int q = prefix.length();
        q < last.length() && cuts.size() < RANGES - 1 && probes < PROBES;
        q++) {
      if (Character.isHighSurrogate(last.charAt(q))) {
        continue; // a group ends after a whole character
      }
      String parent = last.substring(0, q);
      String group = last.substring(0, q + 1);
      while (cuts.size() < RANGES - 1 && probes < PROBES) {
        probes++;
        String after = group + LAST;
        List<io.skyrelay.connectors.ObjectInfo> next =
            store.list(ListRequest.of(prefix).withStartAfter(after).withMaxKeys(1)).objects();
        if (next.isEmpty()) {
          break;
        }
        String k = next.get(0).key();
        if (KeyOrder.compare(k, after) <= 0 // the store cannot start after a key
            || !k.startsWith(parent)
            || k.length() <= q
            || Character.isHighSurrogate(k.charAt(q))) {
          break;
        }
        cuts.add(k);
        group = k.substring(0, q + 1);
      }
    }
    return new ArrayList<>(cuts);
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
      boolean shallow;
      String relative;
      String after = null;
      String upto = null;
      if (shard.startsWith(RANGE)) {
        String[] parts = shard.substring(RANGE.length()).split(String.valueOf(SEP), -1);
        shallow = false;
        relative = parts[0];
        after = parts[1].isEmpty() ? null : parts[1];
        upto = parts[2].isEmpty() ? null : parts[2];
      } else {
        shallow = ListLocation.isShallow(shard);
        relative = ListLocation.prefixOf(shard);
      }
      Listing src = new Listing(source, spec.source(), relative, shallow, true, after, upto);
      List<Listing> dsts = new ArrayList<>();
      for (int d = 0; d < destinations.size(); d++) {
        dsts.add(
            new Listing(
                destinations.get(d), spec.destination(d), relative, shallow, false, after, upto));
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
      private final String after;
      private final String upto;

      /**
       * A listing that keeps the entries the filters' keys and sizes select; ages are judged by the
       * caller, which needs to see the source's entries outside them. {@code after} and {@code
       * upto} (relative keys, or null) bound a range shard: only keys after the one and up to the
       * other are taken, whether or not the store could start the listing there.
       */
      Listing(
          ObjectStore store,
          StoreLocation location,
          String relative,
          boolean shallow,
          boolean isSource,
          String after,
          String upto) {
        this.store = store;
        this.location = location;
        this.isSource = isSource;
        this.after = after;
        this.upto = upto;
        String base = location.uri().prefix();
        ListRequest r = ListRequest.of(base + relative);
        r = shallow ? r.withDelimiter("/") : r;
        this.request = after == null ? r : r.withStartAfter(base + after);
      }

      String peekKey() {
        while (page.isEmpty() && !done) {
          ListPage p = store.list(request.withPageToken(token));
          token = p.nextPageToken();
          done = token == null;
          int n = 0;
          for (var info : p.objects()) {
            ObjectEntry e = ObjectEntry.of(info, location.uri().prefix());
            if (after != null && KeyOrder.compare(e.key, after) <= 0) {
              continue; // before the range (a store that lists from the beginning)
            }
            if (upto != null && KeyOrder.compare(e.key, upto) > 0) {
              done = true; // the next range's
              break;
            }
            n++;
            if (spec.keys().accepts(e.key, e.size)) {
              page.add(e); // keys outside the job are neither copied nor deleted
            } else if (isSource) {
              filteredOut.inc();
              filteredOutBytes.inc(e.size);
            }
          }
          listed.inc(n);
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
