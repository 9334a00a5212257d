package io.skyrelay.connectors;

/** The object or container does not exist. */
public class ObjectNotFoundException extends StoreException {

  private static final long serialVersionUID = 1L;

  public ObjectNotFoundException(String message) {
    super(message);
  }

  public ObjectNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
