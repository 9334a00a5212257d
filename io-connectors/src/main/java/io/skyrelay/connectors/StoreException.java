package io.skyrelay.connectors;

/**
 * A store operation failed. The message names the object and says what the user can do; it has
 * passed through {@link Redactor}, and so has the message of every cause in the chain.
 */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(Redactor.redact(message));
  }

  public StoreException(String message, Throwable cause) {
    super(Redactor.redact(message), Redactor.sanitize(cause));
  }
}
