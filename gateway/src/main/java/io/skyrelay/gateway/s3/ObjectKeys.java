package io.skyrelay.gateway.s3;

/**
 * The object keys the gateway refuses whatever stores its regions use, so that a key accepted in
 * one region can be copied to every other: keys that name a path instead of a file ({@code .} and
 * {@code ..} segments, a leading {@code /}), which a {@code file://} region could be led out of its
 * folder by, and keys with control characters, which S3's XML listings cannot carry and file
 * systems, logs and terminals treat specially. The stores check again what they cannot hold (a
 * local disk refuses empty segments, for example).
 */
final class ObjectKeys {

  private ObjectKeys() {}

  /** Why {@code key} is refused, or {@code null} when it is not. */
  static String problem(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "object keys cannot contain control characters (U+"
            + String.format("%04X", (int) c)
            + " at index "
            + i
            + ")";
      }
    }
    if (key.startsWith("/")) {
      return "object keys cannot start with '/'";
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return "object keys cannot have a '" + segment + "' segment between slashes";
      }
    }
    return null;
  }
}
