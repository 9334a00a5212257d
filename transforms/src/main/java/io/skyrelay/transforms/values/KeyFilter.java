package io.skyrelay.transforms.values;

import java.io.Serializable;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which keys a mapping syncs. Each rule is a key prefix ({@code images/}), a glob ({@code
 * glob:**}{@code /*.jpg}) or a regular expression ({@code regex:.*\.tmp$}). A key is synced when it
 * matches an include rule (or there are none) and no exclude rule.
 */
public final class KeyFilter implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<String> include;
  private final List<String> exclude;

  /** The compiled rules, made on first use after deserialization, in one assignment. */
  private transient Rules rules;

  private record Rules(
      List<java.util.function.Predicate<String>> include,
      List<java.util.function.Predicate<String>> exclude) {}

  public KeyFilter(List<String> include, List<String> exclude) {
    this.include = List.copyOf(include);
    this.exclude = List.copyOf(exclude);
    include.forEach(KeyFilter::rule); // fail early on a bad pattern
    exclude.forEach(KeyFilter::rule);
  }

  public static KeyFilter all() {
    return new KeyFilter(List.of(), List.of());
  }

  /** Whether every key is accepted (no rules): callers can skip filtering altogether. */
  public boolean acceptsAll() {
    return include.isEmpty() && exclude.isEmpty();
  }

  public boolean accepts(String relativeKey) {
    if (acceptsAll()) {
      return true;
    }
    Rules r = rules;
    if (r == null) {
      r =
          new Rules(
              include.stream().map(KeyFilter::rule).toList(),
              exclude.stream().map(KeyFilter::rule).toList());
      rules = r;
    }
    boolean in = r.include().isEmpty() || r.include().stream().anyMatch(p -> p.test(relativeKey));
    return in && r.exclude().stream().noneMatch(p -> p.test(relativeKey));
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
