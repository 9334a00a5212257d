package io.skyrelay.transforms.planner;

import java.io.Serializable;
import java.util.Locale;

/**
 * What a plan optimises.
 *
 * @param kind the goal
 * @param minGbps for {@link Kind#CHEAPEST_WITH_FLOOR}: the throughput the plan must reach
 * @param maxUsdPerGb for {@link Kind#FASTEST_WITH_CEILING}: the egress price per GB it may not
 *     exceed
 */
public record Objective(Kind kind, double minGbps, double maxUsdPerGb) implements Serializable {

  /** The goals a planner knows. */
  public enum Kind {
    /** The direct path only, as fast as the workers allow. */
    DIRECT,
    /** The lowest egress price per GB; among equally cheap plans the fastest. */
    CHEAPEST,
    /** The highest throughput; among equally fast plans the cheapest. */
    FASTEST,
    /** The lowest egress price per GB that still reaches {@code minGbps}. */
    CHEAPEST_WITH_FLOOR,
    /** The highest throughput whose egress price stays within {@code maxUsdPerGb}. */
    FASTEST_WITH_CEILING
  }

  public Objective {
    if (kind == null) {
      throw new IllegalArgumentException("an objective needs a kind");
    }
    if (kind == Kind.CHEAPEST_WITH_FLOOR && !(minGbps > 0)) {
      throw new IllegalArgumentException("a throughput floor must be positive, got " + minGbps);
    }
    if (kind == Kind.FASTEST_WITH_CEILING && !(maxUsdPerGb >= 0)) {
      throw new IllegalArgumentException("a cost ceiling must not be negative, got " + maxUsdPerGb);
    }
  }

  public static Objective direct() {
    return new Objective(Kind.DIRECT, 0, 0);
  }

  public static Objective cheapest() {
    return new Objective(Kind.CHEAPEST, 0, 0);
  }

  public static Objective fastest() {
    return new Objective(Kind.FASTEST, 0, 0);
  }

  public static Objective cheapestWithFloor(double minGbps) {
    return new Objective(Kind.CHEAPEST_WITH_FLOOR, minGbps, 0);
  }

  public static Objective fastestWithCeiling(double maxUsdPerGb) {
    return new Objective(Kind.FASTEST_WITH_CEILING, 0, maxUsdPerGb);
  }

  /**
   * The objective a command line names: {@code direct}, {@code cheapest} (with {@code minGbps}: the
   * cheapest plan reaching it), {@code fastest} (with {@code maxUsdPerGb}: the fastest within it).
   * Pass {@code null} for a bound that is not given.
   */
  public static Objective parse(String name, Double minGbps, Double maxUsdPerGb) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    Objective o =
        switch (n) {
          case "direct" -> direct();
          case "cheapest" -> minGbps == null ? cheapest() : cheapestWithFloor(minGbps);
          case "fastest" -> maxUsdPerGb == null ? fastest() : fastestWithCeiling(maxUsdPerGb);
          default ->
              throw new IllegalArgumentException(
                  "unknown objective '"
                      + name
                      + "'; use direct, cheapest, fastest, cheapest with --min-gbps,"
                      + " or fastest with --max-usd-per-gb");
        };
    if (minGbps != null && o.kind != Kind.CHEAPEST_WITH_FLOOR) {
      throw new IllegalArgumentException("--min-gbps goes with --objective cheapest");
    }
    if (maxUsdPerGb != null && o.kind != Kind.FASTEST_WITH_CEILING) {
      throw new IllegalArgumentException("--max-usd-per-gb goes with --objective fastest");
    }
    return o;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DIRECT -> "direct";
      case CHEAPEST -> "cheapest";
      case FASTEST -> "fastest";
      case CHEAPEST_WITH_FLOOR -> String.format(Locale.ROOT, "cheapest at >= %.3g Gbps", minGbps);
      case FASTEST_WITH_CEILING ->
          String.format(Locale.ROOT, "fastest at <= $%.4f/GB", maxUsdPerGb);
    };
  }
}
