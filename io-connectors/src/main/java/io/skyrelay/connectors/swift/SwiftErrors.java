package io.skyrelay.connectors.swift;

import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;

/** Turns Swift's status codes and transport failures into the SPI's exceptions. */
final class SwiftErrors {

  private SwiftErrors() {}

  /**
   * The exception for an answer of {@code status}.
   *
   * @param what the operation and the object, as the message names them
   * @param body the start of the answer's body, or empty
   */
  static StoreException forStatus(int status, String what, String body) {
    String detail = body == null || body.isBlank() ? "" : " (" + abbreviate(body) + ")";
    return switch (status) {
      case 401, 403 ->
          new AccessDeniedException(
              what
                  + ": Swift refused access (HTTP "
                  + status
                  + ")"
                  + detail
                  + "; check that the user may use this account and container");
      case 404 ->
          new ObjectNotFoundException(
              what + ": not found (HTTP 404); check the key, the container and the account");
      case 412 ->
          new PreconditionFailedException(
              what + ": the object changed or already exists (HTTP 412)" + detail);
      case 429, 498 ->
          new ThrottledException(what + ": Swift is rate-limiting (HTTP " + status + ")");
      default ->
          status >= 500 || status == 408
              ? new TransientStoreException(what + ": HTTP " + status + detail)
              : new StoreException(what + ": HTTP " + status + detail);
    };
  }

  static StoreException forIo(IOException e, String what) {
    if (e instanceof HttpTimeoutException) {
      return new TransientStoreException(what + ": Swift did not answer in time", e);
    }
    return new TransientStoreException(what + ": " + e.getMessage(), e);
  }

  private static String abbreviate(String body) {
    String s = body.strip().replaceAll("\\s+", " ");
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
