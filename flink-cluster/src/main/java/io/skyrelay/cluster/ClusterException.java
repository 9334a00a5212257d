package io.skyrelay.cluster;

/** A cluster operation failed for a reason the user can act on; the message says what to do. */
public final class ClusterException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Just the message: it is written for the user, the class name would add nothing. */
  @Override
  public String toString() {
    return getMessage();
  }
}
