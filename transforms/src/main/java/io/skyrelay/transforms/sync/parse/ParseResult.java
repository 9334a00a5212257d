package io.skyrelay.transforms.sync.parse;

import io.skyrelay.transforms.values.ChangeEvent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one message said: the changes it carries and the reasons for the notifications in it that
 * carry none, or, if any part of it could not be understood, only the reason why.
 *
 * <p>A message is parsed all or nothing: when one record of a batch is malformed the whole message
 * is a failure, so that the dead-letter topic holds exactly the messages that were not applied and
 * replaying one never has to guess which of its records already were.
 */
public final class ParseResult {

  private final List<ChangeEvent> events;
  private final List<String> skipped;
  private final String failure;

  private ParseResult(List<ChangeEvent> events, List<String> skipped, String failure) {
    this.events = events;
    this.skipped = skipped;
    this.failure = failure;
  }

  static ParseResult of(List<ChangeEvent> events, List<String> skipped) {
    if (events.isEmpty() && skipped.isEmpty()) {
      throw new IllegalArgumentException("a parsed message yields events or skip reasons");
    }
    return new ParseResult(List.copyOf(events), List.copyOf(skipped), null);
  }

  static ParseResult failure(String reason) {
    return new ParseResult(List.of(), List.of(), Objects.requireNonNull(reason));
  }

  /** The changes, in the order the message lists them; empty for a failure. */
  public List<ChangeEvent> events() {
    return events;
  }

  /**
   * One reason for each notification in the message that is valid but carries no change to
   * replicate (the {@code s3:TestEvent}, an Event Grid subscription validation, a tag change...);
   * empty for a failure.
   */
  public List<String> skipped() {
    return skipped;
  }

  /** Why the message could not be parsed, or empty if it was. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  public boolean isFailure() {
    return failure != null;
  }

  @Override
  public String toString() {
    return failure != null
        ? "failure: " + failure
        : "events=" + events + (skipped.isEmpty() ? "" : " skipped=" + skipped);
  }
}
