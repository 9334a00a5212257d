package io.skyrelay.gateway.archive;

import io.skyrelay.connectors.KeyOrder;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.gateway.namespace.ObjectVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The listing of a bucket with an archive tier: its ready versions and its archived objects merged
 * in key order, each key once (the hot version wins), with the delimiter rolling keys of both tiers
 * up into one common prefix, and pages of at most max-keys entries.
 *
 * <p>Paging is stateless, as S3 clients expect. A continuation token carries the last name returned
 * and where the archive's listing stood (the store's own token for the page holding the next
 * archive entry), so the next page resumes both listings without re-reading the archive from its
 * start. A start-after key (and a V1 marker) carries no archive position: the archive is then
 * listed from the prefix on, skipping what sorts at or before the key.
 */
public final class MergedListing {

  private static final String TOKEN_PREFIX = "sra1.";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** Ready versions of the bucket in key order (the namespace's {@code list}). */
  public interface HotListing {
    List<ObjectVersion> list(String prefix, String fromKey, boolean inclusive, int limit);
  }

  /**
   * One entry of a page: an object of either tier, or a common prefix.
   *
   * @param archived whether the object is served from the archive tier
   */
  public record Entry(
      String name,
      boolean commonPrefix,
      long size,
      String etag,
      Instant lastModified,
      boolean archived) {}

  /**
   * A page.
   *
   * @param nextToken the continuation token of the next page, or {@code null} when not truncated
   */
  public record Page(List<Entry> entries, boolean truncated, String nextToken) {}

  private MergedListing() {}

  /**
   * One page of the merged listing.
   *
   * @param delimiter the delimiter, or {@code null}
   * @param continuationToken a token from an earlier page, or {@code null}
   * @param startAfter list keys after this one, or {@code null} (ignored with a token)
   */
  public static Page list(
      HotListing hot,
      ArchiveTier archive,
      String prefix,
      String delimiter,
      int maxKeys,
      String continuationToken,
      String startAfter) {
    String marker = continuationToken != null ? continuationToken : startAfter;
    String archiveToken = null;
    boolean archiveDone = false;
    if (continuationToken != null && continuationToken.startsWith(TOKEN_PREFIX)) {
      String[] parts = continuationToken.substring(TOKEN_PREFIX.length()).split("\\.", -1);
      if (parts.length == 2 && !parts[1].isEmpty()) {
        try {
          marker = new String(B64D.decode(parts[0]), StandardCharsets.UTF_8);
          archiveDone = parts[1].charAt(0) == 'x';
          archiveToken =
              parts[1].charAt(0) == 'p'
                  ? new String(B64D.decode(parts[1].substring(1)), StandardCharsets.UTF_8)
                  : null;
        } catch (IllegalArgumentException notOurs) {
          marker = continuationToken; // a key that only looks like a token
          archiveToken = null;
          archiveDone = false;
        }
      }
    }
    boolean markerRolled =
        marker != null && delimiter != null && isRolledUp(marker, prefix, delimiter);
    HotCursor h = new HotCursor(hot, prefix, delimiter, marker, markerRolled, maxKeys);
    ArchiveCursor a =
        new ArchiveCursor(archive, prefix, delimiter, archiveToken, archiveDone, marker);
    if (markerRolled) {
      a.skipPast(marker, true);
    }
    List<Entry> entries = new ArrayList<>();
    String last = null;
    while (entries.size() < maxKeys) {
      Entry he = h.peek();
      Entry ae = a.peek();
      if (he == null && ae == null) {
        break;
      }
      int c = he == null ? 1 : ae == null ? -1 : KeyOrder.compare(he.name(), ae.name());
      Entry e = c <= 0 ? he : ae; // on a tie the hot tier's entry stands for both
      entries.add(e);
      last = e.name();
      h.skipPast(last, e.commonPrefix());
      a.skipPast(last, e.commonPrefix());
    }
    boolean truncated =
        maxKeys > 0 && entries.size() == maxKeys && (h.peek() != null || a.peek() != null);
    String next = null;
    if (truncated) {
      String state = a.resumeToken();
      next =
          TOKEN_PREFIX
              + B64.encodeToString(last.getBytes(StandardCharsets.UTF_8))
              + "."
              + (state == null
                  ? "n"
                  : state.equals("x")
                      ? "x"
                      : "p" + B64.encodeToString(state.getBytes(StandardCharsets.UTF_8)));
    }
    return new Page(entries, truncated, next);
  }

  /** The common prefix {@code key} rolls up into, or {@code null} when it is listed itself. */
  static String rollUp(String key, String prefix, String delimiter) {
    if (delimiter == null) {
      return null;
    }
    int at = key.indexOf(delimiter, prefix.length());
    return at < 0 ? null : key.substring(0, at + delimiter.length());
  }

  private static boolean isRolledUp(String marker, String prefix, String delimiter) {
    return marker.startsWith(prefix)
        && marker.endsWith(delimiter)
        && marker.indexOf(delimiter, prefix.length()) == marker.length() - delimiter.length();
  }

  /** The least string after every string that starts with {@code p}; {@code null} if none. */
  static String successor(String p) {
    StringBuilder b = new StringBuilder(p);
    while (b.length() > 0) {
      char c = b.charAt(b.length() - 1);
      if (c != Character.MAX_VALUE) {
        b.setCharAt(b.length() - 1, (char) (c + 1));
        return b.toString();
      }
      b.setLength(b.length() - 1);
    }
    return null;
  }

  /** Whether {@code name} was listed already: at or before {@code last}, or rolled up into it. */
  private static boolean done(String name, String last, boolean lastRolled) {
    return last != null
        && (KeyOrder.compare(name, last) <= 0 || (lastRolled && name.startsWith(last)));
  }

  /** The hot tier's entries after a position, fetched from the namespace in batches. */
  private static final class HotCursor {
    private final HotListing hot;
    private final String prefix;
    private final String delimiter;
    private final int batch;
    private final Deque<ObjectVersion> buffer = new ArrayDeque<>();
    private String from;
    private boolean inclusive;
    private boolean exhausted;
    private String last;
    private boolean lastRolled;

    HotCursor(
        HotListing hot,
        String prefix,
        String delimiter,
        String marker,
        boolean markerRolled,
        int maxKeys) {
      this.hot = hot;
      this.prefix = prefix;
      this.delimiter = delimiter;
      this.batch = Math.max(2, Math.min(1000, maxKeys + 1));
      this.last = marker;
      this.lastRolled = markerRolled;
      if (markerRolled) {
        from = successor(marker);
        inclusive = true;
        exhausted = from == null;
      } else {
        from = marker;
        inclusive = false;
      }
    }

    Entry peek() {
      while (true) {
        if (buffer.isEmpty()) {
          if (exhausted) {
            return null;
          }
          List<ObjectVersion> got = hot.list(prefix, from, inclusive, batch);
          if (got.isEmpty()) {
            exhausted = true;
            return null;
          }
          buffer.addAll(got);
          from = got.get(got.size() - 1).key();
          inclusive = false;
        }
        ObjectVersion v = buffer.peekFirst();
        if (done(v.key(), last, lastRolled)) {
          buffer.pollFirst();
          continue;
        }
        String rolled = rollUp(v.key(), prefix, delimiter);
        return rolled != null
            ? new Entry(rolled, true, 0, null, null, false)
            : new Entry(v.key(), false, v.size(), v.etag(), v.createdAt(), false);
      }
    }

    void skipPast(String name, boolean rolled) {
      last = name;
      lastRolled = rolled;
      while (!buffer.isEmpty() && done(buffer.peekFirst().key(), last, lastRolled)) {
        buffer.pollFirst();
      }
      if (buffer.isEmpty() && rolled && !exhausted) {
        // jump over the rest of the common prefix in the database instead of reading it
        String next = successor(name);
        if (next == null) {
          exhausted = true;
        } else if (from == null || KeyOrder.compare(next, from) > 0) {
          from = next;
          inclusive = true;
        }
      }
    }
  }

  /** The archive's entries after a position, read page by page from the archive store. */
  private static final class ArchiveCursor {
    private final ArchiveTier archive;
    private final String listPrefix;
    private final String strip;
    private final String delimiter;
    private List<Entry> page = List.of();
    private int pos;
    private String pageToken;
    private String nextToken;
    private boolean loaded;
    private boolean exhausted;
    private String last;
    private boolean lastRolled;

    ArchiveCursor(
        ArchiveTier archive,
        String prefix,
        String delimiter,
        String pageToken,
        boolean exhausted,
        String marker) {
      this.archive = archive;
      this.strip = archive.location().keyOf("");
      this.listPrefix = strip + prefix;
      this.delimiter = delimiter;
      this.pageToken = pageToken;
      this.exhausted = exhausted;
      this.last = marker;
    }

    Entry peek() {
      while (!exhausted) {
        if (!loaded) {
          load();
        }
        while (pos < page.size()) {
          Entry e = page.get(pos);
          if (!done(e.name(), last, lastRolled)) {
            return e;
          }
          pos++;
        }
        if (nextToken == null) {
          exhausted = true;
        } else {
          pageToken = nextToken;
          loaded = false;
        }
      }
      return null;
    }

    void skipPast(String name, boolean rolled) {
      last = name;
      lastRolled = rolled;
    }

    /** Where the next page resumes: the token of the current page, "x" when done, null at start. */
    String resumeToken() {
      peek();
      return exhausted ? "x" : pageToken;
    }

    private void load() {
      ListPage p =
          archive
              .store()
              .list(
                  new ListRequest(listPrefix, delimiter, pageToken, ListRequest.DEFAULT_MAX_KEYS));
      List<String> keys = new ArrayList<>();
      for (ObjectInfo o : p.objects()) {
        keys.add(o.key().substring(strip.length()));
      }
      Map<String, Instant> tombstones = archive.tombstones().of(archive.bucket(), keys);
      List<Entry> entries = new ArrayList<>();
      for (ObjectInfo o : p.objects()) {
        String key = o.key().substring(strip.length());
        if (!Tombstones.hides(tombstones.get(key), o.lastModified())) {
          entries.add(
              new Entry(key, false, o.size(), ArchiveTier.etagOf(o), o.lastModified(), true));
        }
      }
      for (String cp : p.commonPrefixes()) {
        entries.add(new Entry(cp.substring(strip.length()), true, 0, null, null, true));
      }
      entries.sort((x, y) -> KeyOrder.compare(x.name(), y.name()));
      page = entries;
      pos = 0;
      nextToken = p.nextPageToken();
      loaded = true;
    }
  }
}
