package io.skyrelay.connectors.swift;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of container and object names in request paths and query values. */
final class SwiftPaths {

  private SwiftPaths() {}

  /** Encodes every byte but unreserved characters; a {@code /} is kept when {@code keepSlash}. */
  static String encode(String s, boolean keepSlash) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        b.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  /** A name as one path segment or query value ({@code /} encoded too). */
  static String encode(String s) {
    return encode(s, false);
  }
}
