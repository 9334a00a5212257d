package io.skyrelay.replay.trace;

/**
 * Thrown in strict mode at the first line that is not a valid request: bad input, so an {@link
 * IllegalArgumentException} (the command line reports it as a usage error).
 */
public final class MalformedTraceException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final long line;

  public MalformedTraceException(String source, long line, String reason, String text) {
    super(source + ":" + line + ": " + reason + ": '" + text + "'");
    this.line = line;
  }

  public long line() {
    return line;
  }
}
