package io.skyrelay.connectors;

/** The store kept asking the client to slow down, and the retries ran out. */
public class ThrottledException extends StoreException {

  private static final long serialVersionUID = 1L;

  public ThrottledException(String message) {
    super(message);
  }

  public ThrottledException(String message, Throwable cause) {
    super(message, cause);
  }
}
