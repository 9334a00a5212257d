package io.skyrelay.connectors;

/**
 * A request for one page of a listing.
 *
 * @param prefix only keys starting with this; empty for all
 * @param delimiter roll keys up at this separator after the prefix (usually {@code "/"}), or {@code
 *     null} for a flat listing
 * @param pageToken the {@link ListPage#nextPageToken()} of the previous page, or {@code null}
 * @param maxKeys at most this many entries (objects plus common prefixes) in the page
 * @param startAfter only keys after this one in {@link KeyOrder} (it need not exist), or {@code
 *     null}; used on the first page (S3 {@code StartAfter}, Swift {@code marker}, local disk). A
 *     store that cannot start there lists from the beginning: callers that rely on it drop the keys
 *     up to it themselves.
 */
public record ListRequest(
    String prefix, String delimiter, String pageToken, int maxKeys, String startAfter) {

  public static final int DEFAULT_MAX_KEYS = 1000;

  public ListRequest {
    prefix = prefix == null ? "" : prefix;
    if (maxKeys < 1 || maxKeys > DEFAULT_MAX_KEYS) {
      throw new IllegalArgumentException("maxKeys must be in 1..1000, got " + maxKeys);
    }
  }

  /** A request that starts at the beginning of the prefix. */
  public ListRequest(String prefix, String delimiter, String pageToken, int maxKeys) {
    this(prefix, delimiter, pageToken, maxKeys, null);
  }

  public static ListRequest of(String prefix) {
    return new ListRequest(prefix, null, null, DEFAULT_MAX_KEYS, null);
  }

  public ListRequest withDelimiter(String newDelimiter) {
    return new ListRequest(prefix, newDelimiter, pageToken, maxKeys, startAfter);
  }

  public ListRequest withPageToken(String token) {
    return new ListRequest(prefix, delimiter, token, maxKeys, startAfter);
  }

  public ListRequest withMaxKeys(int max) {
    return new ListRequest(prefix, delimiter, pageToken, max, startAfter);
  }

  /** Lists only the keys after {@code key} (see {@link #startAfter()}). */
  public ListRequest withStartAfter(String key) {
    return new ListRequest(prefix, delimiter, pageToken, maxKeys, key);
  }
}
