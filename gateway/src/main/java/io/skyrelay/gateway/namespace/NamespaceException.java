package io.skyrelay.gateway.namespace;

/**
 * The namespace database failed (unreachable, or a statement failed); the request can be retried.
 */
public final class NamespaceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NamespaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
