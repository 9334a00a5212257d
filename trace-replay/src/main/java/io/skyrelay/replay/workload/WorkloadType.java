package io.skyrelay.replay.workload;

import java.util.Locale;

/** How the requests of a single-region trace are spread over regions. */
public enum WorkloadType {
  /** Every request from a random region. */
  A("every request from a random region"),
  /** One PUT region and one GET region per object. */
  B("one PUT region and one GET region per object"),
  /** PUTs from random regions, all GETs from one region. */
  C("PUTs from random regions, GETs from one region"),
  /** PUTs from one region per object, GETs from anywhere. */
  D("PUTs from one region per object, GETs from random regions"),
  /** Each object follows A, B, C or D, chosen at random per object. */
  E("a mix: each object follows A, B, C or D");

  private final String description;

  WorkloadType(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  public static WorkloadType parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("workload type must be A, B, C, D or E, not '" + s + "'");
    }
  }
}
