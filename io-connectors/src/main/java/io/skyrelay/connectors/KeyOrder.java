package io.skyrelay.connectors;

import java.util.Comparator;

/**
 * The order stores list keys in: by UTF-8 bytes, which is code-point order. Java's {@link
 * String#compareTo} orders by UTF-16 units and disagrees for characters outside the Basic
 * Multilingual Plane, so merges of listings must use this comparator.
 */
public final class KeyOrder {

  public static final Comparator<String> COMPARATOR = KeyOrder::compare;

  private KeyOrder() {}

  public static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
