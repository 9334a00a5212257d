package io.skyrelay.transforms.sync;

import io.skyrelay.transforms.values.ChangeEvent;
import java.math.BigInteger;

/**
 * Orders two events of the same object by the store's own token.
 *
 * <ul>
 *   <li>S3 {@code sequencer}: hexadecimal strings of varying length; the shorter is right-padded
 *       with zeros and the two compared lexicographically (AWS's documented rule; it only holds
 *       between events of the same key).
 *   <li>GCS: the object generation, then the metageneration; for the same generation a delete is
 *       later than the finalize that created it.
 *   <li>Azure Event Grid {@code sequencer}: fixed-width hexadecimal, compared lexicographically.
 * </ul>
 */
public final class EventOrder {

  private EventOrder() {}

  /** Negative when {@code a} happened before {@code b}, zero for the same state, else positive. */
  public static int compare(ChangeEvent a, ChangeEvent b) {
    String sa = a.sequencer == null ? "" : a.sequencer;
    String sb = b.sequencer == null ? "" : b.sequencer;
    int c =
        switch (a.store == null ? "" : a.store) {
          case "gs" -> compareGcs(a, b, sa, sb);
          case "s3" -> compareHexRightPadded(sa, sb);
          default -> compareHexLeftPadded(sa, sb);
        };
    if (c != 0) {
      return c;
    }
    // Same token: a delete outranks the create of the same generation (GCS), metadata outranks
    // nothing else; equal kinds are duplicates.
    return Integer.compare(rank(a.kind), rank(b.kind));
  }

  private static int rank(ChangeEvent.Kind kind) {
    return switch (kind) {
      case CREATED -> 0;
      case METADATA_UPDATED -> 1;
      case DELETED -> 2;
    };
  }

  static int compareHexRightPadded(String a, String b) {
    int n = Math.max(a.length(), b.length());
    String pa = (a + "0".repeat(n - a.length())).toUpperCase(java.util.Locale.ROOT);
    String pb = (b + "0".repeat(n - b.length())).toUpperCase(java.util.Locale.ROOT);
    return pa.compareTo(pb);
  }

  static int compareHexLeftPadded(String a, String b) {
    int n = Math.max(a.length(), b.length());
    String pa = ("0".repeat(n - a.length()) + a).toUpperCase(java.util.Locale.ROOT);
    String pb = ("0".repeat(n - b.length()) + b).toUpperCase(java.util.Locale.ROOT);
    return pa.compareTo(pb);
  }

  /**
   * {@code generation[.metageneration]}, compared as numbers; within one generation a delete is
   * later than any metadata update of it.
   */
  static int compareGcs(ChangeEvent ea, ChangeEvent eb, String a, String b) {
    String[] pa = a.split("\\.", 2);
    String[] pb = b.split("\\.", 2);
    int c = number(pa[0]).compareTo(number(pb[0]));
    if (c != 0) {
      return c;
    }
    boolean da = ea.kind == ChangeEvent.Kind.DELETED;
    boolean db = eb.kind == ChangeEvent.Kind.DELETED;
    if (da != db) {
      return da ? 1 : -1;
    }
    return number(pa.length > 1 ? pa[1] : "0").compareTo(number(pb.length > 1 ? pb[1] : "0"));
  }

  private static BigInteger number(String s) {
    return s.isEmpty() ? BigInteger.ZERO : new BigInteger(s);
  }
}
