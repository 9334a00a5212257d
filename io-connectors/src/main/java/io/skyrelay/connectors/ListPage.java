package io.skyrelay.connectors;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param objects objects in ascending key order
 * @param commonPrefixes with a delimiter: the rolled-up prefixes, each ending with the delimiter
 * @param nextPageToken pass to {@link ListRequest#withPageToken} for the next page; {@code null} on
 *     the last page
 */
public record ListPage(
    List<ObjectInfo> objects, List<String> commonPrefixes, String nextPageToken) {

  public ListPage {
    objects = List.copyOf(objects);
    commonPrefixes = List.copyOf(commonPrefixes);
  }
}
