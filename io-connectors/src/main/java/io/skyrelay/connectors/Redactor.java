package io.skyrelay.connectors;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from text before it reaches an exception message or a log: every secret value
 * a {@link StoreSettings} was given, plus the shapes credentials take in URLs, headers and
 * connection strings (SAS signatures, AWS signatures and credentials, account keys).
 */
public final class Redactor {

  private static final String MASK = "****";
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static final Pattern PATTERNS =
      Pattern.compile(
          "(?i)((?:AccountKey|SharedAccessSignature|Signature|Credential|SharedAccessKey|sig|X-Amz-Signature"
              + "|X-Amz-Credential|X-Amz-Security-Token|aws_secret_access_key"
              + "|aws_session_token|secret-access-key|account-key|sas-token|access_token)"
              + "\\s*[=:]\\s*)([^;&\\s,\"'}]+)"
              + "|(Authorization\\s*[:=]\\s*)([^\\r\\n\"'}]+)");

  private Redactor() {}

  /** Remembers a credential so that {@link #redact} masks it wherever it appears. */
  public static void registerSecret(String secret) {
    if (secret != null && secret.length() >= 4) {
      SECRETS.add(secret);
    }
  }

  /** The text with every known secret and every credential-shaped value masked. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : SECRETS) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    Matcher m = PATTERNS.matcher(out);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String head = m.group(1) != null ? m.group(1) : m.group(3);
      m.appendReplacement(b, Matcher.quoteReplacement(head + MASK));
    }
    m.appendTail(b);
    return b.toString();
  }

  /**
   * A copy of a cause chain whose messages are redacted, keeping class names and stack traces, so
   * that printing a {@link StoreException} never prints a credential from a client library's
   * message.
   */
  static Throwable sanitize(Throwable cause) {
    if (cause == null) {
      return null;
    }
    if (cause instanceof StoreException) {
      return cause;
    }
    RedactedCause copy =
        new RedactedCause(
            cause.getClass().getName() + ": " + redact(String.valueOf(cause.getMessage())),
            sanitize(cause.getCause() == cause ? null : cause.getCause()));
    copy.setStackTrace(cause.getStackTrace());
    return copy;
  }

  /** Stands in for a client library exception, with its message redacted. */
  static final class RedactedCause extends Exception {
    private static final long serialVersionUID = 1L;

    RedactedCause(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
