package io.skyrelay.connectors;

/**
 * A request for one page of a listing.
 *
 * @param prefix only keys starting with this; empty for all
 * @param delimiter roll keys up at this separator after the prefix (usually {@code "/"}), or {@code
 *     null} for a flat listing
 * @param pageToken the {@link ListPage#nextPageToken()} of the previous page, or {@code null}
 * @param maxKeys at most this many entries (objects plus common prefixes) in the page
 */
public record ListRequest(String prefix, String delimiter, String pageToken, int maxKeys) {

  public static final int DEFAULT_MAX_KEYS = 1000;

  public ListRequest {
    prefix = prefix == null ? "" : prefix;
    if (maxKeys < 1 || maxKeys > DEFAULT_MAX_KEYS) {
      throw new IllegalArgumentException("maxKeys must be in 1..1000, got " + maxKeys);
    }
  }

  public static ListRequest of(String prefix) {
    return new ListRequest(prefix, null, null, DEFAULT_MAX_KEYS);
  }

  public ListRequest withDelimiter(String newDelimiter) {
    return new ListRequest(prefix, newDelimiter, pageToken, maxKeys);
  }

  public ListRequest withPageToken(String token) {
    return new ListRequest(prefix, delimiter, token, maxKeys);
  }

  public ListRequest withMaxKeys(int max) {
    return new ListRequest(prefix, delimiter, pageToken, max);
  }
}
