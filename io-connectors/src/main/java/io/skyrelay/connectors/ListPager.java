package io.skyrelay.connectors;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Cuts one page out of a complete listing, for stores that cannot page themselves (local disk) or
 * whose pages must be rebuilt: applies the delimiter roll-up, the page token (the last entry of the
 * previous page) and the page size.
 */
public final class ListPager {

  private ListPager() {}

  /** {@code all} holds every object whose key starts with the request's prefix, in any order. */
  public static ListPage page(List<ObjectInfo> all, ListRequest request) {
    TreeMap<String, ObjectInfo> entries = new TreeMap<>(KeyOrder.COMPARATOR);
    String prefix = request.prefix();
    String delimiter = request.delimiter();
    for (ObjectInfo o : all) {
      String key = o.key();
      if (delimiter != null && !delimiter.isEmpty()) {
        int at = key.indexOf(delimiter, prefix.length());
        if (at >= 0) {
          entries.put(key.substring(0, at + delimiter.length()), null);
          continue;
        }
      }
      entries.put(key, o);
    }
    String after = request.pageToken() != null ? request.pageToken() : request.startAfter();
    var tail = after == null ? entries : entries.tailMap(after, false);
    List<ObjectInfo> objects = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String last = null;
    for (var e : tail.entrySet()) {
      if (objects.size() + prefixes.size() == request.maxKeys()) {
        return new ListPage(objects, prefixes, last);
      }
      if (e.getValue() == null) {
        prefixes.add(e.getKey());
      } else {
        objects.add(e.getValue());
      }
      last = e.getKey();
    }
    return new ListPage(objects, prefixes, null);
  }
}
