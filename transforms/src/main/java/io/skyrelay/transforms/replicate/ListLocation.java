package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.transforms.values.ObjectEntry;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Lists every object under a location, in parallel over prefix shards: the location's first level
 * of sub-prefixes is found when the pipeline is built, and each sub-prefix is listed by its own
 * worker; objects directly under the prefix form one more shard. Keys in the output are relative to
 * the location's prefix.
 */
public final class ListLocation extends PTransform<PBegin, PCollection<ObjectEntry>> {

  /** Shards that list objects directly under the prefix start with this; others are recursive. */
  static final String SHALLOW = "shallow:";

  static final String DEEP = "deep:";

  /** Whether {@code shard} lists only the objects directly under its prefix. */
  static boolean isShallow(String shard) {
    return shard.startsWith(SHALLOW);
  }

  /** The prefix {@code shard} lists. */
  static String prefixOf(String shard) {
    return shard.substring(isShallow(shard) ? SHALLOW.length() : DEEP.length());
  }

  private final StoreLocation location;

  private ListLocation(StoreLocation location) {
    this.location = location;
  }

  public static ListLocation of(StoreLocation location) {
    return new ListLocation(location);
  }

  @Override
  public PCollection<ObjectEntry> expand(PBegin input) {
    return input
        .apply("Shards", Create.of(shards(location)).withCoder(StringUtf8Coder.of()))
        .apply("Spread", Reshuffle.viaRandomKey())
        .apply("ListShard", ParDo.of(new ListShardFn(location)));
  }

  /** The shards of a location: its objects at the first level, and one per sub-prefix. */
  static List<String> shards(StoreLocation location) {
    return shards(location, "");
  }

  /**
   * The shards of the folder {@code relative} (empty or ending in {@code /}) of a location: its
   * objects at that folder's first level, and one per sub-prefix of it.
   */
  static List<String> shards(StoreLocation location, String relative) {
    String prefix = location.uri().prefix() + relative;
    List<String> shards = new ArrayList<>();
    shards.add(SHALLOW + prefix);
    try (ObjectStore store = location.open()) {
      String token = null;
      do {
        ListPage page = store.list(ListRequest.of(prefix).withDelimiter("/").withPageToken(token));
        page.commonPrefixes().forEach(p -> shards.add(DEEP + p));
        token = page.nextPageToken();
      } while (token != null);
    }
    return shards;
  }

  /** Lists one shard. */
  static final class ListShardFn extends DoFn<String, ObjectEntry> {
    private final StoreLocation location;
    private final Counter listed = Metrics.counter("skyrelay", "listed");
    private transient ObjectStore store;

    ListShardFn(StoreLocation location) {
      this.location = location;
    }

    @Setup
    public void setup() {
      store = location.open();
    }

    @ProcessElement
    public void process(@Element String shard, OutputReceiver<ObjectEntry> out) {
      boolean shallow = isShallow(shard);
      String prefix = prefixOf(shard);
      String base = location.uri().prefix();
      String token = null;
      do {
        ListRequest request = ListRequest.of(prefix).withPageToken(token);
        ListPage page = store.list(shallow ? request.withDelimiter("/") : request);
        for (ObjectInfo info : page.objects()) {
          out.output(ObjectEntry.of(info, base));
          listed.inc();
        }
        token = page.nextPageToken();
      } while (token != null);
    }

    @Teardown
    public void teardown() {
      if (store != null) {
        store.close();
      }
    }
  }
}
