package io.skyrelay.connectors;

/** A store URI or store setting is malformed. */
public class InvalidStoreUriException extends StoreException {

  private static final long serialVersionUID = 1L;

  public InvalidStoreUriException(String message) {
    super(message);
  }
}
