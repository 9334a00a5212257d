package io.skyrelay.connectors;

/** An object key is not acceptable to this store. */
public class InvalidKeyException extends StoreException {

  private static final long serialVersionUID = 1L;

  public InvalidKeyException(String message) {
    super(message);
  }
}
