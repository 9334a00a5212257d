package io.skyrelay.service.auth;

import java.util.Locale;

/** What an account may do: an admin manages datasets and jobs; a researcher browses and exports. */
public enum Role {
  ADMIN,
  RESEARCHER;

  /** The role named {@code text} ({@code admin} or {@code researcher}, any case). */
  public static Role parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown role '" + text + "': give admin or researcher", e);
    }
  }

  /** The role as users write it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
