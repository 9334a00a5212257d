package io.skyrelay.transforms.sync.parse;

import io.skyrelay.transforms.values.ChangeEvent;
import java.util.ArrayList;
import java.util.List;

/** Collects what the parsers find in one message, in order. */
final class Results {

  private final List<ChangeEvent> events = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();

  void add(ChangeEvent event) {
    events.add(event);
  }

  void skip(String reason) {
    skipped.add(reason);
  }

  ParseResult toResult() {
    return ParseResult.of(events, skipped);
  }
}
