package io.skyrelay.connectors;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Message digests every JVM has. */
public final class Digests {

  private Digests() {}

  /** A new MD5 digest (the checksum object stores report). */
  public static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no MD5", e);
    }
  }
}
