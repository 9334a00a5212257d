package io.skyrelay.gateway.namespace;

/**
 * The rules virtual bucket names follow: those of S3 (3-63 lower-case letters, digits, '-', '.').
 */
public final class BucketNames {

  private BucketNames() {}

  /** What is wrong with {@code name} as a bucket name, or {@code null} when it is valid. */
  public static String problem(String name) {
    if (name == null || !name.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      return "'"
          + name
          + "' is not a valid bucket name (3-63 lower-case letters, digits, '-' and '.',"
          + " starting and ending with a letter or digit)";
    }
    if (name.contains("..") || name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      return "'" + name + "' is not a valid bucket name (no '..', not an IP address)";
    }
    return null;
  }
}
