package io.skyrelay.replay.sim;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A replica placement and eviction policy, as the simulator runs it. Every policy keeps the written
 * copy of an object (its home replica) in the region that wrote it, except {@code single}, whose
 * home is one fixed region; the policies differ in the extra replicas they make and keep.
 *
 * @param name the spec it was parsed from, e.g. {@code ttl:12h}
 * @param kind what it does
 * @param singleRegion for {@link Kind#SINGLE}: the region holding every object, else -1
 * @param pushMask regions that get a copy of every write (bit i for region i)
 * @param ttlMs for {@link Kind#FIXED_TTL}: how long a pulled replica is kept after its last read
 * @param capacityBytes for {@link Kind#LRU}: bytes of pulled replicas each region may hold
 */
public record Policy(
    String name, Kind kind, int singleRegion, long pushMask, long ttlMs, long capacityBytes)
    implements Serializable {

  /** Policy kinds. */
  public enum Kind {
    SINGLE("every object lives in one region; reads elsewhere go there"),
    REPLICATE_ALL("every write is copied to every region"),
    PUSH("every write is copied to a fixed set of regions; other regions read remotely"),
    PULL_KEEP("a read copies the object to its region and keeps it until overwritten"),
    PULL_EVICT("a read elsewhere fetches the object remotely and keeps no copy"),
    FIXED_TTL("pulled replicas are kept for a fixed time after their last read"),
    BREAK_EVEN_TTL("pulled replicas are kept for egress $/GB over storage $/GB-hour of the pair"),
    ADAPTIVE_TTL("TTL per region pair, learned from the gaps between reads"),
    LRU("pulled replicas are kept while they fit a per-region capacity, least recent evicted"),
    OPTIMUM("offline optimum: knows the future; a lower bound on every other policy");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /** The specs the {@code all} shorthand expands to, given the number of regions. */
  public static List<String> all(CostModel model) {
    List<String> specs = new ArrayList<>();
    specs.add("single");
    specs.add("replicate-all");
    if (model.regions() >= 3) {
      StringBuilder push = new StringBuilder("push:");
      for (int i = 0; i < (model.regions() + 1) / 2; i++) {
        push.append(i == 0 ? "" : "+").append(model.region(i));
      }
      specs.add(push.toString());
    }
    specs.addAll(
        List.of(
            "pull-keep", "pull-evict", "ttl:1h", "break-even", "adaptive", "lru:1GiB", "optimum"));
    return specs;
  }

  /** Parses a comma-separated list of specs, {@code all} included. */
  public static List<Policy> parseList(String specs, CostModel model) {
    List<Policy> out = new ArrayList<>();
    for (String s : specs.split(",")) {
      String t = s.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.equals("all")) {
        for (String a : all(model)) {
          out.add(parse(a, model));
        }
      } else {
        out.add(parse(t, model));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no policies given");
    }
    return out;
  }

  /**
   * Parses one policy: {@code single[:REGION]}, {@code replicate-all}, {@code push:R1+R2...},
   * {@code pull-keep}, {@code pull-evict}, {@code ttl:DURATION} (e.g. 30m, 12h, 7d), {@code
   * break-even}, {@code adaptive}, {@code lru:SIZE} (e.g. 512MiB, 10GB) or {@code optimum}.
   */
  public static Policy parse(String spec, CostModel model) {
    String s = spec.trim();
    String head = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
    String arg = s.contains(":") ? s.substring(s.indexOf(':') + 1) : null;
    switch (head.toLowerCase(Locale.ROOT)) {
      case "single" -> {
        int r = arg == null ? 0 : region(model, arg, s);
        return new Policy(arg == null ? "single:" + model.region(0) : s, Kind.SINGLE, r, 0, 0, 0);
      }
      case "replicate-all" -> {
        long mask = model.regions() == 64 ? -1L : (1L << model.regions()) - 1;
        return new Policy(s, Kind.REPLICATE_ALL, -1, mask, 0, 0);
      }
      case "push" -> {
        if (arg == null || arg.isBlank()) {
          throw new IllegalArgumentException("push needs regions: push:REGION+REGION");
        }
        long mask = 0;
        for (String r : arg.split("\\+")) {
          mask |= 1L << region(model, r.trim(), s);
        }
        return new Policy(s, Kind.PUSH, -1, mask, 0, 0);
      }
      case "pull-keep" -> {
        return new Policy(s, Kind.PULL_KEEP, -1, 0, 0, 0);
      }
      case "pull-evict" -> {
        return new Policy(s, Kind.PULL_EVICT, -1, 0, 0, 0);
      }
      case "ttl" -> {
        if (arg == null) {
          throw new IllegalArgumentException("ttl needs a duration: ttl:12h");
        }
        return new Policy(s, Kind.FIXED_TTL, -1, 0, durationMs(arg), 0);
      }
      case "break-even" -> {
        return new Policy(s, Kind.BREAK_EVEN_TTL, -1, 0, 0, 0);
      }
      case "adaptive" -> {
        return new Policy(s, Kind.ADAPTIVE_TTL, -1, 0, 0, 0);
      }
      case "lru" -> {
        if (arg == null) {
          throw new IllegalArgumentException("lru needs a capacity per region: lru:10GiB");
        }
        return new Policy(s, Kind.LRU, -1, 0, 0, bytes(arg));
      }
      case "optimum" -> {
        return new Policy(s, Kind.OPTIMUM, -1, 0, 0, 0);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown policy '"
                  + s
                  + "'; policies: single[:REGION], replicate-all, push:R1+R2, pull-keep,"
                  + " pull-evict, ttl:DURATION, break-even, adaptive, lru:SIZE, optimum, all");
    }
  }

  private static int region(CostModel model, String label, String spec) {
    int r = model.indexOf(label);
    if (r < 0) {
      throw new IllegalArgumentException(
          "policy "
              + spec
              + ": "
              + label
              + " is not one of the replayed regions "
              + model.regionLabels());
    }
    return r;
  }

  /**
   * Milliseconds of a duration such as {@code 500ms}, {@code 90s}, {@code 30m}, {@code 12h}, {@code
   * 7d}.
   */
  public static long durationMs(String d) {
    String t = d.trim().toLowerCase(Locale.ROOT);
    long unit;
    String num;
    if (t.endsWith("ms")) {
      unit = 1;
      num = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unit = 1000;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 60_000;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unit = 3_600_000;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("d")) {
      unit = 86_400_000;
      num = t.substring(0, t.length() - 1);
    } else {
      throw new IllegalArgumentException("duration needs a unit (ms, s, m, h, d): '" + d + "'");
    }
    try {
      return Math.round(Double.parseDouble(num) * unit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: '" + d + "'");
    }
  }

  /** Bytes of a size such as {@code 1048576}, {@code 512MiB}, {@code 10GB}, {@code 1TiB}. */
  public static long bytes(String size) {
    String t = size.trim();
    String[] units = {"KiB", "MiB", "GiB", "TiB", "KB", "MB", "GB", "TB", "B"};
    double[] factors = {1L << 10, 1L << 20, 1L << 30, 1L << 40, 1e3, 1e6, 1e9, 1e12, 1};
    for (int i = 0; i < units.length; i++) {
      if (t.regionMatches(true, t.length() - units[i].length(), units[i], 0, units[i].length())) {
        try {
          return Math.round(
              Double.parseDouble(t.substring(0, t.length() - units[i].length())) * factors[i]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a size: '" + size + "'");
        }
      }
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a size (e.g. 512MiB, 10GB): '" + size + "'");
    }
  }
}
