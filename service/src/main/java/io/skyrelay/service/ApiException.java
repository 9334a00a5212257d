package io.skyrelay.service;

/** A request the API refuses, with the HTTP status and a message that says what was wrong. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** 400: the request's body or parameters are invalid. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  /** 404: the named thing does not exist (or the caller may not see it). */
  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public int status() {
    return status;
  }
}
