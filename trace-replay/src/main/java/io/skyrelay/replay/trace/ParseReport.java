package io.skyrelay.replay.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a trace reader saw: lines, requests, ignored operations and malformed lines. */
public final class ParseReport {

  /** How many malformed lines are kept with their text; the rest are only counted. */
  public static final int KEPT = 100;

  /**
   * One malformed line.
   *
   * @param line 1-based line number in the trace
   * @param reason what is wrong with it
   * @param text the line (cut at 200 characters)
   */
  public record Malformed(long line, String reason, String text) {}

  long lines;
  long requests;
  long ignored;
  long malformed;
  private final List<Malformed> examples = new ArrayList<>();

  /** A report from counts alone (the Beam replay's metrics), with no examples. */
  public static ParseReport ofCounts(long lines, long requests, long ignored, long malformed) {
    ParseReport r = new ParseReport();
    r.lines = lines;
    r.requests = requests;
    r.ignored = ignored;
    r.malformed = malformed;
    return r;
  }

  void malformed(long line, String reason, String text) {
    malformed++;
    if (examples.size() < KEPT) {
      examples.add(new Malformed(line, reason, text));
    }
  }

  /** Non-empty lines read (the CSV header excluded). */
  public long lines() {
    return lines;
  }

  /** Requests handed to the replay. */
  public long requests() {
    return requests;
  }

  /** Valid lines whose operation is not replayed (bucket listings and the like). */
  public long ignored() {
    return ignored;
  }

  public long malformed() {
    return malformed;
  }

  /** The first {@link #KEPT} malformed lines. */
  public List<Malformed> examples() {
    return Collections.unmodifiableList(examples);
  }
}
