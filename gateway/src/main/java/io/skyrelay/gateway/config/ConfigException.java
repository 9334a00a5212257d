package io.skyrelay.gateway.config;

/** A configuration that cannot be used; the message names the key and says what is expected. */
public final class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
