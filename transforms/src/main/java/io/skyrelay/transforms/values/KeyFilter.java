package io.skyrelay.transforms.values;

import java.io.Serializable;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which keys a mapping syncs or a replication copies and deletes. Each include and exclude rule is
 * a key prefix ({@code images/}), a glob ({@code glob:**}{@code /*.jpg}) or a regular expression
 * ({@code regex:.*\.tmp$}). A key is selected when it matches an include rule (or there are none)
 * and no exclude rule.
 *
 * <p>A filter may also hold rclone-style rules ({@link #withOrderedRules}): {@code +GLOB} includes,
 * {@code -GLOB} excludes, the first rule that matches a key decides, and when there is any {@code
 * +} rule a key that matches none is excluded. And it may bound objects' sizes ({@link
 * #withSizes}); such a filter selects objects ({@link #accepts(String, long)}), not only keys. And
 * it may hold a list of keys ({@link #withKeyList}), as rclone's {@code --files-from}: then only
 * those keys are selected, and of them only those the other rules select. And it may bound objects'
 * last-modified times ({@link #withModified}, rclone's {@code --max-age} and {@code --min-age} made
 * absolute when the job starts): {@link #acceptsModified} says whether a time is within them, and
 * the listings apply it to the source's objects ({@link #accepts(String, long, long)}).
 *
 * <p>{@link #listingPrefix} is the folder every selected key lies in, so that listings can start
 * there instead of listing keys that no rule could select.
 */
public final class KeyFilter implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<String> include;
  private final List<String> exclude;
  private final List<String> ordered;
  private final long minSize;
  private final long maxSize;
  private final long modifiedAfter;
  private final long modifiedBefore;

  /** The only keys selected, or {@code null} for no list. */
  private final Set<String> keyList;

  /** The compiled rules, made on first use after deserialization, in one assignment. */
  private transient Rules rules;

  private record Rules(
      List<java.util.function.Predicate<String>> include,
      List<java.util.function.Predicate<String>> exclude,
      List<Pattern> ordered) {}

  public KeyFilter(List<String> include, List<String> exclude) {
    this(include, exclude, List.of(), 0, Long.MAX_VALUE, null, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  private KeyFilter(
      List<String> include,
      List<String> exclude,
      List<String> ordered,
      long minSize,
      long maxSize,
      Set<String> keyList,
      long modifiedAfter,
      long modifiedBefore) {
    this.modifiedAfter = modifiedAfter;
    this.modifiedBefore = modifiedBefore;
    this.include = List.copyOf(include);
    this.keyList = keyList == null ? null : Set.copyOf(keyList);
    this.exclude = List.copyOf(exclude);
    this.ordered = List.copyOf(ordered);
    this.minSize = minSize;
    this.maxSize = maxSize;
    include.forEach(KeyFilter::rule); // fail early on a bad pattern
    exclude.forEach(KeyFilter::rule);
    for (String r : ordered) {
      if (r.length() < 2 || (r.charAt(0) != '+' && r.charAt(0) != '-')) {
        throw new IllegalArgumentException(
            "filter rule '" + r + "' must be + or - followed by a glob");
      }
      RcloneGlob.toRegex(r.substring(1));
    }
    if (minSize < 0 || maxSize < minSize) {
      throw new IllegalArgumentException(
          "the size bounds " + minSize + ".." + maxSize + " select nothing");
    }
    if (modifiedBefore < modifiedAfter) {
      throw new IllegalArgumentException(
          "--min-age and --max-age select nothing: objects would have to be modified before "
              + java.time.Instant.ofEpochMilli(modifiedBefore)
              + " and after "
              + java.time.Instant.ofEpochMilli(modifiedAfter));
    }
  }

  /**
   * This filter with rclone-style rules, in the order they are tried: {@code +GLOB} includes and
   * {@code -GLOB} excludes the keys the glob matches ({@link RcloneGlob}).
   */
  public KeyFilter withOrderedRules(List<String> rules) {
    return new KeyFilter(
        include, exclude, rules, minSize, maxSize, keyList, modifiedAfter, modifiedBefore);
  }

  /** This filter selecting only objects of {@code minSize} to {@code maxSize} bytes. */
  public KeyFilter withSizes(long minSize, long maxSize) {
    return new KeyFilter(
        include, exclude, ordered, minSize, maxSize, keyList, modifiedAfter, modifiedBefore);
  }

  /**
   * This filter selecting only the keys in {@code keys} (relative to the location), as rclone's
   * {@code --files-from}; the list travels with the job, so it suits thousands of keys, not
   * millions.
   */
  public KeyFilter withKeyList(Collection<String> keys) {
    return new KeyFilter(
        include,
        exclude,
        ordered,
        minSize,
        maxSize,
        Set.copyOf(keys),
        modifiedAfter,
        modifiedBefore);
  }

  /**
   * This filter selecting only objects last modified at or after {@code afterMillis} and at or
   * before {@code beforeMillis} (epoch milliseconds; {@link Long#MIN_VALUE} and {@link
   * Long#MAX_VALUE} for no bound).
   */
  public KeyFilter withModified(long afterMillis, long beforeMillis) {
    return new KeyFilter(
        include, exclude, ordered, minSize, maxSize, keyList, afterMillis, beforeMillis);
  }

  /** The earliest last-modified time selected (epoch ms), {@link Long#MIN_VALUE} for any. */
  public long modifiedAfter() {
    return modifiedAfter;
  }

  /** The latest last-modified time selected (epoch ms), {@link Long#MAX_VALUE} for any. */
  public long modifiedBefore() {
    return modifiedBefore;
  }

  /** Whether the filter bounds last-modified times. */
  public boolean boundsModified() {
    return modifiedAfter != Long.MIN_VALUE || modifiedBefore != Long.MAX_VALUE;
  }

  /** Whether an object last modified at {@code lastModifiedMillis} is within the time bounds. */
  public boolean acceptsModified(long lastModifiedMillis) {
    return lastModifiedMillis >= modifiedAfter && lastModifiedMillis <= modifiedBefore;
  }

  /**
   * The folder (relative, empty or ending in {@code /}) under which every key this filter selects
   * lies: the literal start shared by every anchored {@code +} rule when all {@code +} rules are
   * anchored, and by every key of the key list. Listing only under it misses nothing selected.
   */
  public String listingPrefix() {
    String fromRules = null;
    if (include.isEmpty() && ordered.stream().anyMatch(r -> r.charAt(0) == '+')) {
      for (String r : ordered) {
        if (r.charAt(0) != '+') {
          continue;
        }
        String glob = r.substring(1);
        if (!glob.startsWith("/")) {
          fromRules = "";
          break;
        }
        int end = 1;
        while (end < glob.length() && "*?[{\\".indexOf(glob.charAt(end)) < 0) {
          end++;
        }
        String literal = glob.substring(1, end);
        fromRules = fromRules == null ? literal : commonStart(fromRules, literal);
      }
    }
    String fromList = null;
    if (keyList != null) {
      for (String k : keyList) {
        fromList = fromList == null ? k : commonStart(fromList, k);
      }
    }
    String a = folderOf(fromRules);
    String b = folderOf(fromList);
    // both hold: the deeper one, when one lies in the other
    return a.startsWith(b) ? a : b.startsWith(a) ? b : "";
  }

  private static String commonStart(String a, String b) {
    int i = 0;
    while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return a.substring(0, i);
  }

  private static String folderOf(String literal) {
    return literal == null ? "" : literal.substring(0, literal.lastIndexOf('/') + 1);
  }

  /** How many keys the key list holds, or -1 without one. */
  public int keyListSize() {
    return keyList == null ? -1 : keyList.size();
  }

  /** The rclone-style rules, in order. */
  public List<String> orderedRules() {
    return ordered;
  }

  public long minSize() {
    return minSize;
  }

  public long maxSize() {
    return maxSize;
  }

  public static KeyFilter all() {
    return new KeyFilter(List.of(), List.of());
  }

  /** Whether every key is accepted (no rules): callers can skip filtering altogether. */
  public boolean acceptsAll() {
    return include.isEmpty()
        && exclude.isEmpty()
        && ordered.isEmpty()
        && keyList == null
        && minSize == 0
        && maxSize == Long.MAX_VALUE
        && !boundsModified();
  }

  /**
   * Whether the source object {@code relativeKey} of {@code size} bytes, last modified at {@code
   * lastModifiedMillis}, is selected.
   */
  public boolean accepts(String relativeKey, long size, long lastModifiedMillis) {
    return acceptsModified(lastModifiedMillis) && accepts(relativeKey, size);
  }

  /** Whether the object {@code relativeKey} of {@code size} bytes is selected. */
  public boolean accepts(String relativeKey, long size) {
    return size >= minSize && size <= maxSize && accepts(relativeKey);
  }

  /** Whether {@code relativeKey} is selected, whatever its object's size and age. */
  public boolean accepts(String relativeKey) {
    if (acceptsAll()) {
      return true;
    }
    if (keyList != null && !keyList.contains(relativeKey)) {
      return false;
    }
    Rules r = rules;
    if (r == null) {
      r =
          new Rules(
              include.stream().map(KeyFilter::rule).toList(),
              exclude.stream().map(KeyFilter::rule).toList(),
              ordered.stream()
                  .map(o -> Pattern.compile(RcloneGlob.toRegex(o.substring(1))))
                  .toList());
      rules = r;
    }
    boolean in = r.include().isEmpty() || r.include().stream().anyMatch(p -> p.test(relativeKey));
    return in
        && r.exclude().stream().noneMatch(p -> p.test(relativeKey))
        && orderedAccepts(r.ordered(), relativeKey);
  }

  private boolean orderedAccepts(List<Pattern> patterns, String key) {
    boolean anyInclude = false;
    for (int i = 0; i < patterns.size(); i++) {
      boolean plus = ordered.get(i).charAt(0) == '+';
      if (patterns.get(i).matcher(key).matches()) {
        return plus;
      }
      anyInclude |= plus;
    }
    return !anyInclude;
  }

  static java.util.function.Predicate<String> rule(String rule) {
    if (rule.startsWith("regex:")) {
      Pattern p = Pattern.compile(rule.substring("regex:".length()));
      return k -> p.matcher(k).matches();
    }
    if (rule.startsWith("glob:")) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher(rule);
      return k -> !k.isEmpty() && m.matches(Path.of(k));
    }
    return k -> k.startsWith(rule);
  }
}
