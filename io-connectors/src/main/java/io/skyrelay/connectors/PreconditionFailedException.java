package io.skyrelay.connectors;

/**
 * A condition on the request did not hold: the object changed since its ETag was read (If-Match),
 * or it already exists (If-None-Match).
 */
public class PreconditionFailedException extends StoreException {

  private static final long serialVersionUID = 1L;

  public PreconditionFailedException(String message) {
    super(message);
  }

  public PreconditionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
