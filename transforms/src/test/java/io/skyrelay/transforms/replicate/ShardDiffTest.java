package io.skyrelay.transforms.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.transforms.values.CopyTask;
import io.skyrelay.transforms.values.DeleteTask;
import io.skyrelay.transforms.values.ObjectEntry;
import io.skyrelay.transforms.values.ObjectResult;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-pass comparison of listings, shard by shard, on local-disk stores. */
class ShardDiffTest {

  @TempDir Path tmp;

  /**
   * Sorted by UTF-16 units, U+FFFD comes after U+1F680; by UTF-8 bytes (how stores list), before.
   */
  private static final String REPLACEMENT = "a/\uFFFD";

  private static final String ROCKET = "a/\uD83D\uDE80";

  private static StoreLocation location(Path dir) {
    return new StoreLocation(
        StoreUri.parse(dir.toUri().toString()), StoreSettings.EMPTY, "local:test");
  }

  private static void put(ObjectStore store, String key, String content) {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    store.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT);
  }

  private ReplicationSpec spec(boolean delete) {
    return new ReplicationSpec(
        location(tmp.resolve("src")),
        List.of(location(tmp.resolve("dst"))),
        ReplicationSpec.DEFAULT_CHUNK_SIZE,
        DiffMode.AUTO,
        delete,
        Long.MAX_VALUE,
        4,
        true);
  }

  /** Decisions by kind, as "key" strings. */
  private static final class Collected implements DiffListings.Decisions {
    final Set<String> copied = new TreeSet<>();
    final Set<String> deleted = new TreeSet<>();
    final Set<String> skipped = new TreeSet<>();

    @Override
    public void copy(CopyTask task) {
      copied.add(task.source.key);
    }

    @Override
    public void delete(DeleteTask task) {
      deleted.add(task.target.key);
    }

    @Override
    public void skipped(ObjectResult result) {
      skipped.add(result.key);
    }
  }

  private Collected diffAllShards(ReplicationSpec spec, ObjectStore src, ObjectStore dst) {
    Collected out = new Collected();
    List<ObjectEntry> sourceEntries = new ArrayList<>();
    ShardDiff.DiffShardFn fn = new ShardDiff.DiffShardFn(spec, true);
    for (String shard : ShardDiff.shards(spec)) {
      fn.diff(shard, src, List.of(dst), out, sourceEntries::add);
    }
    assertEquals(
        out.copied.size() + out.skipped.size(),
        sourceEntries.size(),
        "every source entry is decided once");
    return out;
  }

  private LocalObjectStore[] stores() {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("src"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("dst"));
    for (String k : List.of("top.txt", "a/1", "a/2", REPLACEMENT, ROCKET, "b/deep/x")) {
      put(src, k, "content of " + k);
    }
    for (String k : List.of("top.txt", "a/1", ROCKET)) {
      put(dst, k, "content of " + k); // in sync; REPLACEMENT, listed before ROCKET, is missing
    }
    put(dst, "a/2", "an older version");
    put(dst, "z/only-here", "not at the source");
    put(dst, "stray.txt", "not at the source either");
    return new LocalObjectStore[] {src, dst};
  }

  @Test
  void shardsAreTheFirstLevelPrefixesOfEveryLocation() {
    stores();
    assertEquals(
        List.of("deep:a/", "deep:b/", "deep:z/", "shallow:"),
        ShardDiff.shards(spec(false)).stream().sorted().toList());
  }

  @Test
  void eachKeyIsDecidedOnceWithKeysMergedInTheStoresOrder() {
    LocalObjectStore[] s = stores();
    Collected out = diffAllShards(spec(true), s[0], s[1]);
    assertEquals(Set.of("a/2", "b/deep/x", REPLACEMENT), out.copied);
    assertEquals(Set.of("top.txt", "a/1", ROCKET), out.skipped);
    assertEquals(Set.of("z/only-here", "stray.txt"), out.deleted);
  }

  @Test
  void withoutDeleteNothingIsDeleted() {
    LocalObjectStore[] s = stores();
    Collected out = diffAllShards(spec(false), s[0], s[1]);
    assertEquals(Set.of(), out.deleted);
    assertEquals(Set.of("a/2", "b/deep/x", REPLACEMENT), out.copied);
  }

  @Test
  void aBucketWithoutFoldersIsListedInKeyRangesThatHoldEveryKeyOnce() {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("src"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("dst"));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2500; i++) { // more than one listing page, no '/' anywhere
      String k = String.format("img-%04d.jpg", i);
      keys.add(k);
      put(src, k, "content of " + k);
      if (i % 7 == 0) {
        put(dst, k, "content of " + k);
      }
    }
    put(dst, "img-9999-only-here", "not at the source");

    List<String> shards = ShardDiff.shards(spec(true));
    assertTrue(shards.size() >= 3, "split into several ranges: " + shards);
    assertTrue(shards.stream().allMatch(s -> s.startsWith(ShardDiff.RANGE)), shards.toString());

    // a store that cannot start a listing after a key gives the same ranges' contents
    for (ObjectStore[] stores :
        List.of(
            new ObjectStore[] {src, dst},
            new ObjectStore[] {fromTheStart(src), fromTheStart(dst)})) {
      List<String> listed = new ArrayList<>();
      List<List<String>> perShard = new ArrayList<>();
      Collected out = new Collected();
      ShardDiff.DiffShardFn fn = new ShardDiff.DiffShardFn(spec(true), true);
      for (String shard : shards) {
        List<String> here = new ArrayList<>();
        fn.diff(shard, stores[0], List.of(stores[1]), out, e -> here.add(e.key));
        perShard.add(here);
        listed.addAll(here);
      }
      assertEquals(keys, listed, "every key once, in order, across the ranges");
      for (int r = 0; r < perShard.size(); r++) {
        assertTrue(!perShard.get(r).isEmpty(), "range " + shards.get(r) + " holds keys");
      }
      // each boundary (the last key of a range) is in its range and in no other
      for (int r = 0; r + 1 < perShard.size(); r++) {
        String boundary = perShard.get(r).get(perShard.get(r).size() - 1);
        assertTrue(shards.get(r).endsWith(boundary), shards.get(r) + " ends at " + boundary);
        assertTrue(perShard.get(r + 1).stream().noneMatch(boundary::equals));
      }
      assertEquals(2500 - 358, out.copied.size());
      assertEquals(358, out.skipped.size());
      assertEquals(Set.of("img-9999-only-here"), out.deleted);
    }
  }

  /**
   * The store with every listing started from the beginning, whatever key it should start after.
   */
  private static ObjectStore fromTheStart(ObjectStore inner) {
    return (ObjectStore)
        Proxy.newProxyInstance(
            ObjectStore.class.getClassLoader(),
            new Class<?>[] {ObjectStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("list") && args[0] instanceof ListRequest r) {
                return inner.list(r.withStartAfter(null));
              }
              return method.invoke(inner, args);
            });
  }

  @Test
  void aListingOutOfKeyOrderIsRefusedWithAClearError() {
    LocalObjectStore[] s = stores();
    ObjectStore reversed = reversedListings(s[1]);
    ShardDiff.DiffShardFn fn = new ShardDiff.DiffShardFn(spec(false), false);
    StoreException e =
        assertThrows(
            StoreException.class,
            () -> fn.diff("deep:a/", s[0], List.of(reversed), new Collected(), x -> {}));
    assertTrue(e.getMessage().contains("ascending key order"), e.getMessage());
    assertTrue(e.getMessage().contains("dst"), e.getMessage());
  }

  /** The store with every listing page in reverse order. */
  private static ObjectStore reversedListings(ObjectStore inner) {
    return (ObjectStore)
        Proxy.newProxyInstance(
            ObjectStore.class.getClassLoader(),
            new Class<?>[] {ObjectStore.class},
            (proxy, method, args) -> {
              Object r = method.invoke(inner, args);
              if (method.getName().equals("list") && args[0] instanceof ListRequest) {
                ListPage p = (ListPage) r;
                List<ObjectInfo> objects = new ArrayList<>(p.objects());
                java.util.Collections.reverse(objects);
                return new ListPage(objects, p.commonPrefixes(), p.nextPageToken());
              }
              return r;
            });
  }
}
