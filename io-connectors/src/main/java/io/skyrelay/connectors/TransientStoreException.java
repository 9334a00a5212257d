package io.skyrelay.connectors;

/** The store failed in a way that a retry may fix (a 5xx answer, a dropped connection). */
public class TransientStoreException extends StoreException {

  private static final long serialVersionUID = 1L;

  public TransientStoreException(String message) {
    super(message);
  }

  public TransientStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
