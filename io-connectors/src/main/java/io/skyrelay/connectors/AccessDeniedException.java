package io.skyrelay.connectors;

/** The credentials were refused, or lack a permission the operation needs. */
public class AccessDeniedException extends StoreException {

  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    super(message);
  }

  public AccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
