package io.skyrelay.transforms.sync.parse;

/**
 * A message that is not a valid notification, with the reason in words a person can act on. Used
 * only to unwind the parsers; callers see it as {@link ParseResult#failure()}.
 */
final class ParseFailure extends Exception {

  private static final long serialVersionUID = 1L;

  ParseFailure(String reason) {
    // No stack trace: this is an expected outcome for bad input, not a bug.
    super(reason, null, false, false);
  }

  /** The same failure with where it happened in front, e.g. {@code "SQS record 2 body: "}. */
  ParseFailure within(String where) {
    return new ParseFailure(where + ": " + getMessage());
  }
}
