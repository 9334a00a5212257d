package io.skyrelay.connectors.gcs;

import com.google.cloud.storage.StorageException;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.Redactor;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the GCS client's exceptions for one bucket into the connector's {@link StoreException}s by
 * HTTP status, with messages that say what to check, and with Google's own credential shapes (OAuth
 * tokens, service account keys) masked in messages and causes.
 */
final class GcsErrors {

  /**
   * Credentials of Google's own shapes that {@link Redactor} does not know: OAuth access tokens and
   * the private key of a service account key file.
   */
  private static final Pattern GOOGLE_SECRETS =
      Pattern.compile(
          "ya29\\.[A-Za-z0-9_\\-.]+|1//[A-Za-z0-9_\\-]{20,}"
              + "|-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----"
              + "|(?i)(\"?private_key\"?\\s*[:=]\\s*\"?)[^\",}]+");

  private final String bucket;
  private final String credentialHint;
  private final Supplier<String> host;

  /**
   * @param credentialHint what to check when GCS refuses the credentials
   * @param host the endpoint the client talks to, for messages on unreachable stores
   */
  GcsErrors(String bucket, String credentialHint, Supplier<String> host) {
    this.bucket = bucket;
    this.credentialHint = credentialHint;
    this.host = host;
  }

  /**
   * A store error for a failed client call, by HTTP status.
   *
   * @param what the operation, naming the object ("reading gs://b/k")
   * @param key the object concerned, or null for bucket-level calls
   * @param onPrecondition the message for a failed precondition (412), or null for a generic one
   */
  StoreException translate(Exception e, String what, String key, String onPrecondition) {
    if (e instanceof StoreException se) {
      return se;
    }
    StorageException se = find(e, StorageException.class);
    int code = se == null ? 0 : se.getCode();
    String reason = reason(se != null ? se : e);
    Throwable cause = safeCause(e);
    if (find(e, FileAlreadyExistsException.class) != null) {
      // The in-memory fake of the client (LocalStorageHelper) reports a failed ifGenerationMatch=0
      // this way; GCS itself answers 412.
      code = 412;
    }
    switch (code) {
      case 404 -> {
        if (key == null) {
          return new ObjectNotFoundException(
              what + ": bucket gs://" + bucket + " does not exist; check the bucket name", cause);
        }
        return new ObjectNotFoundException(
            "object " + key + " does not exist in gs://" + bucket + " (" + what + ")", cause);
      }
      case 412 -> {
        return new PreconditionFailedException(
            onPrecondition != null
                ? onPrecondition
                : what + ": a precondition failed (the object changed meanwhile); retry",
            cause);
      }
      case 401 -> {
        return new AccessDeniedException(
            what + ": Google Cloud Storage rejected the credentials (401); " + credentialHint,
            cause);
      }
      case 403 -> {
        return new AccessDeniedException(
            what
                + ": permission denied (403: "
                + reason
                + "); the account needs roles/storage.objectAdmin (or objectViewer to read) on"
                + " gs://"
                + bucket
                + ", and a requester-pays bucket needs project-id; "
                + credentialHint,
            cause);
      }
      case 429, 503 -> {
        return new ThrottledException(what + ": GCS is throttling (" + code + ")", cause);
      }
      case 408, 500, 502, 504 -> {
        return new TransientStoreException(
            what + ": GCS failed (" + code + ": " + reason + ")", cause);
      }
      case 416 -> {
        return new StoreException(what + ": the range starts beyond the end of the object", cause);
      }
      default -> {
        if (code >= 500) {
          return new TransientStoreException(
              what + ": GCS failed (" + code + ": " + reason + ")", cause);
        }
        if (code <= 0 && find(e, IOException.class) != null) {
          return new TransientStoreException(
              what + ": could not reach GCS at " + host.get() + " (" + reason + ")", cause);
        }
        return new StoreException(
            what + " failed" + (code > 0 ? " (" + code + ")" : "") + ": " + reason, cause);
      }
    }
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  /** The first line of a client message (GCS errors carry the whole HTTP exchange), masked. */
  private static String reason(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl).strip();
    }
    if (m.length() > 200) {
      m = m.substring(0, 200) + "...";
    }
    return redact(m);
  }

  /** {@link Redactor#redact} plus Google's own credential shapes. */
  static String redact(String text) {
    if (text == null) {
      return null;
    }
    return Redactor.redact(
        GOOGLE_SECRETS
            .matcher(text)
            .replaceAll(
                m -> Matcher.quoteReplacement((m.group(1) != null ? m.group(1) : "") + "****")));
  }

  /**
   * The cause to attach: the client's exception, unless some message in its chain holds a Google
   * credential that {@link Redactor} would not mask; then a stand-in with the masked message.
   */
  private static Throwable safeCause(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage();
      if (m != null && GOOGLE_SECRETS.matcher(m).find()) {
        StoreException standIn = new StoreException(c.getClass().getName() + ": " + redact(m));
        standIn.setStackTrace(c.getStackTrace());
        return standIn;
      }
    }
    return e;
  }
}
