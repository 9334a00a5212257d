package io.skyrelay.transforms.sync.parse;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.transforms.values.ChangeEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The documented examples in {@code src/test/resources/events/} and helpers to check results. */
final class Fixtures {

  static final ObjectMapper JSON = new ObjectMapper();
  static final ChangeEventParser PARSER = new ChangeEventParser();

  private Fixtures() {}

  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource events/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String name) {
    return text(name).getBytes(StandardCharsets.UTF_8);
  }

  static ObjectNode object(String name) {
    try {
      return (ObjectNode) JSON.readTree(text(name));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Element 0 of a file holding a JSON array. */
  static ObjectNode object0(String name) {
    try {
      return (ObjectNode) JSON.readTree(text(name)).get(0);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> attributes(String name) {
    try {
      return JSON.readValue(text(name), new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String json(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ParseResult parse(String message, NotificationFormat format) {
    return PARSER.parse(utf8(message), Map.of(), format);
  }

  static long millis(String isoTime) {
    return Instant.parse(isoTime).toEpochMilli();
  }

  /** An expected event with the identifying fields; the test sets the others. */
  static ChangeEvent event(
      String format, String store, String bucket, String key, ChangeEvent.Kind kind) {
    ChangeEvent e = new ChangeEvent();
    e.format = format;
    e.store = store;
    e.bucket = bucket;
    e.key = key;
    e.kind = kind;
    return e;
  }

  static List<ChangeEvent> events(ParseResult result) {
    assertFalse(result.isFailure(), () -> "expected events, got " + result);
    return result.events();
  }

  /** The one event the message carries. */
  static ChangeEvent single(ParseResult result) {
    List<ChangeEvent> events = events(result);
    assertEquals(1, events.size(), () -> "expected one event, got " + result);
    assertEquals(List.of(), result.skipped());
    return events.get(0);
  }

  /** The reason the message was skipped, for a message with one skipped notification. */
  static String skipped(ParseResult result) {
    assertFalse(result.isFailure(), () -> "expected a skip, got " + result);
    assertEquals(List.of(), result.events());
    assertEquals(1, result.skipped().size(), () -> "expected one skip reason, got " + result);
    return result.skipped().get(0);
  }

  static String failure(ParseResult result) {
    assertTrue(result.isFailure(), () -> "expected a failure, got " + result);
    assertEquals(List.of(), result.events());
    assertEquals(List.of(), result.skipped());
    return result.failure().orElseThrow();
  }

  /** Every field, each named in the failure message. */
  static void assertEvent(ChangeEvent expected, ChangeEvent actual) {
    assertAll(
        () -> assertEquals(expected.format, actual.format, "format"),
        () -> assertEquals(expected.store, actual.store, "store"),
        () -> assertEquals(expected.bucket, actual.bucket, "bucket"),
        () -> assertEquals(expected.key, actual.key, "key"),
        () -> assertEquals(expected.kind, actual.kind, "kind"),
        () -> assertEquals(expected.size, actual.size, "size"),
        () -> assertEquals(expected.etag, actual.etag, "etag"),
        () -> assertEquals(expected.versionId, actual.versionId, "versionId"),
        () -> assertEquals(expected.sequencer, actual.sequencer, "sequencer"),
        () -> assertEquals(expected.eventTimeMillis, actual.eventTimeMillis, "eventTimeMillis"),
        () ->
            assertEquals(
                expected.overwrittenByGeneration,
                actual.overwrittenByGeneration,
                "overwrittenByGeneration"),
        () -> assertEquals(expected.contentType, actual.contentType, "contentType"));
    // equals() must agree with the field-by-field check.
    assertEquals(expected, actual);
  }

  static void assertContains(String expectedPart, String actual) {
    assertTrue(
        actual.contains(expectedPart),
        () -> "'" + actual + "' should contain '" + expectedPart + "'");
  }
}
