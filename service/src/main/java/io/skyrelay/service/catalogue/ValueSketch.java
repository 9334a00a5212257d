package io.skyrelay.service.catalogue;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What profiling keeps of one column's values, mergeable across workers: nulls, a K-minimum-values
 * sketch for the distinct estimate (exact below {@link #K} distinct values), and value counts for
 * the top values, pruned to the most frequent when they grow past {@link #MAX_COUNTED} (so top
 * values are exact for columns with fewer distinct values, approximate beyond).
 */
final class ValueSketch implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int K = 1024;
  static final int MAX_COUNTED = 2000;

  long values;
  long nulls;
  final TreeSet<Long> smallestHashes = new TreeSet<>();
  final HashMap<String, Long> counts = new HashMap<>();

  void add(String value) {
    if (value == null || value.isEmpty()) {
      nulls++;
      return;
    }
    values++;
    addHash(hash(value));
    counts.merge(value, 1L, Long::sum);
    if (counts.size() > MAX_COUNTED) {
      prune();
    }
  }

  void merge(ValueSketch other) {
    values += other.values;
    nulls += other.nulls;
    other.smallestHashes.forEach(this::addHash);
    other.counts.forEach((v, n) -> counts.merge(v, n, Long::sum));
    if (counts.size() > MAX_COUNTED) {
      prune();
    }
  }

  /** The number of distinct non-null values: exact below {@link #K}, estimated above. */
  long distinct() {
    if (smallestHashes.size() < K) {
      return smallestHashes.size();
    }
    double kth = (double) smallestHashes.last() / Long.MAX_VALUE;
    return Math.round((K - 1) / kth);
  }

  /** The {@code n} most frequent values with their counts, most frequent first. */
  Map<String, Long> top(int n) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> top = new LinkedHashMap<>();
    entries.stream().limit(n).forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  private void addHash(long h) {
    if (smallestHashes.size() < K) {
      smallestHashes.add(h);
    } else if (h < smallestHashes.last() && smallestHashes.add(h)) {
      smallestHashes.pollLast();
    }
  }

  private void prune() {
    Map<String, Long> kept = top(MAX_COUNTED / 2);
    counts.clear();
    counts.putAll(kept);
  }

  /** A well-mixed non-negative 63-bit hash (FNV-1a, then SplitMix64's finaliser). */
  static long hash(String value) {
    long h = 0xcbf29ce484222325L;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    h = h ^ (h >>> 31);
    return h >>> 1;
  }
}
