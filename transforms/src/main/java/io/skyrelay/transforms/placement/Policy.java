package io.skyrelay.transforms.placement;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A replica placement and eviction policy, as the replay simulator and the live gateway both run
 * it. Every policy keeps the written copy of an object (its home replica) in the region that wrote
 * it, except {@code single}, whose home is one fixed region; the policies differ in the extra
 * replicas they make and keep. Regions are indices into the caller's list of region labels (a
 * {@link CostModel}'s order). The decisions are plain methods that allocate nothing, so the
 * simulator can call them per request.
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

  /** The deadline of a replica kept until it is overwritten or evicted by capacity. */
  public static final long FOREVER = Long.MAX_VALUE;

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
    return parse(spec, model.regionLabels());
  }

  /**
   * Parses one policy against region labels, as {@link #parse(String, CostModel)} does; {@code
   * single} without a region means the first label.
   */
  public static Policy parse(String spec, List<String> regions) {
    String s = spec.trim();
    String head = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
    String arg = s.contains(":") ? s.substring(s.indexOf(':') + 1) : null;
    switch (head.toLowerCase(Locale.ROOT)) {
      case "single" -> {
        int r = arg == null ? 0 : region(regions, arg, s);
        return new Policy(arg == null ? "single:" + regions.get(0) : s, Kind.SINGLE, r, 0, 0, 0);
      }
      case "replicate-all" -> {
        long mask = regions.size() == 64 ? -1L : (1L << regions.size()) - 1;
        return new Policy(s, Kind.REPLICATE_ALL, -1, mask, 0, 0);
      }
      case "push" -> {
        if (arg == null || arg.isBlank()) {
          throw new IllegalArgumentException("push needs regions: push:REGION+REGION");
        }
        long mask = 0;
        for (String r : arg.split("\\+")) {
          mask |= 1L << region(regions, r.trim(), s);
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

  private static int region(List<String> regions, String label, String spec) {
    int r = regions.indexOf(label);
    if (r < 0) {
      throw new IllegalArgumentException(
          "policy " + spec + ": " + label + " is not one of the regions " + regions);
    }
    return r;
  }

  // ---- decisions, shared by the simulator and the gateway ----------------------------------

  /** The region that holds the home copy of a write made in {@code writer}. */
  public int homeRegion(int writer) {
    return kind == Kind.SINGLE ? singleRegion : writer;
  }

  /**
   * Whether a write whose home copy is in {@code home} is also copied to {@code region} at once.
   */
  public boolean pushesTo(int region, int home) {
    return region != home && (pushMask & (1L << region)) != 0;
  }

  /** Whether a read served from another region leaves a copy in the reader's region. */
  public boolean keepsCopyOnMiss() {
    return switch (kind) {
      case PULL_KEEP, FIXED_TTL, BREAK_EVEN_TTL, ADAPTIVE_TTL, LRU -> true;
      default -> false;
    };
  }

  /** Whether a pulled copy of {@code size} bytes may be kept at all (LRU: not over capacity). */
  public boolean admits(long size) {
    return !exceedsCapacity(size);
  }

  /**
   * Whether {@code bytes} of pulled copies exceed what one region may hold: under LRU, copies are
   * evicted least recently read first until this is false. Never true for other policies.
   */
  public boolean exceedsCapacity(long bytes) {
    return kind == Kind.LRU && bytes > capacityBytes;
  }

  /**
   * Whether a read of a pulled copy in its region restarts the copy's clock ({@link #deadline}).
   */
  public boolean refreshesOnHit() {
    return switch (kind) {
      case FIXED_TTL, BREAK_EVEN_TTL, ADAPTIVE_TTL -> true;
      default -> false;
    };
  }

  /**
   * How long a copy pulled from {@code source} into {@code reader} is kept after a read, ms: the
   * fixed TTL, the pair's break-even time, or what {@code adaptive} learned for the pair; {@link
   * #FOREVER} for policies that do not evict by time.
   *
   * @param adaptive the learned TTLs, used by {@code adaptive} only (may be null otherwise)
   */
  public long keepMs(CostModel model, AdaptiveTtl adaptive, int source, int reader) {
    return switch (kind) {
      case FIXED_TTL -> ttlMs;
      case BREAK_EVEN_TTL -> model.breakEvenMs(source, reader);
      case ADAPTIVE_TTL -> adaptive.ttl(source, reader);
      default -> FOREVER;
    };
  }

  /**
   * The deadline of a copy pulled from {@code source} into {@code reader} and read at {@code
   * nowMs}: {@code nowMs} plus {@link #keepMs}, at most {@code FOREVER - 1}. A hit sets it again
   * when {@link #refreshesOnHit}.
   */
  public long deadline(long nowMs, int source, int reader, CostModel model, AdaptiveTtl adaptive) {
    long keep = keepMs(model, adaptive, source, reader);
    return keep >= FOREVER - nowMs ? FOREVER - 1 : nowMs + keep;
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
