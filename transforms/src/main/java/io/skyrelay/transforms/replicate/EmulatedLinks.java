package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ThrottledObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emulated network links between region labels, for experiments on one machine: a store of region A
 * read for bytes bound to region B is a {@link ThrottledObjectStore} slowed to the link's rate (key
 * {@code A>B}) and to A's total egress rate (key {@code A>*}), where set. The rates are shared by
 * every stream of this JVM, as a link is shared by every connection over it.
 *
 * @param bytesPerSecond rate per link ({@code from>to}) and per region's egress ({@code from>*})
 */
public record EmulatedLinks(Map<String, Double> bytesPerSecond) implements StoreViews {

  private static final Map<String, ThrottledObjectStore.Rate> RATES = new ConcurrentHashMap<>();

  public EmulatedLinks {
    bytesPerSecond = new TreeMap<>(bytesPerSecond);
  }

  /**
   * {@code store}, slowed to the rates for {@code from>to} and {@code from>*}; {@code store} itself
   * when neither is set, or when both ends are one region.
   */
  @Override
  public ObjectStore readFor(ObjectStore store, String from, String to) {
    if (from == null || to == null || from.equals(to)) {
      return store;
    }
    List<ThrottledObjectStore.Rate> rates = new ArrayList<>();
    for (String key : List.of(from + ">" + to, from + ">*")) {
      Double rate = bytesPerSecond.get(key);
      if (rate != null && rate > 0) {
        ThrottledObjectStore.Rate shared =
            RATES.computeIfAbsent(key, k -> new ThrottledObjectStore.Rate(rate));
        shared.set(rate);
        rates.add(shared);
      }
    }
    return rates.isEmpty() ? store : new ThrottledObjectStore(store, rates);
  }
}
