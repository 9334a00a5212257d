package io.skyrelay.gateway.namespace;

import java.util.Locale;

/** The state of an object version or of one of its physical copies. */
public enum CopyStatus {
  /** Being written; not visible to readers. */
  PENDING,
  /** Stored and verified; readable. */
  READY,
  /** Overwritten or deleted; its bytes are being removed. */
  PENDING_DELETION;

  /** The value stored in the database. */
  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  static CopyStatus of(String dbValue) {
    return valueOf(dbValue.toUpperCase(Locale.ROOT));
  }
}
