package io.skyrelay.transforms.sync.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads JSON strictly and says where it is broken. A document longer than {@value #MAX_BYTES}
 * bytes, nested deeper than {@value #MAX_NESTING} levels or with a string longer than {@value
 * #MAX_STRING} characters is refused with a message naming the limit: no notification comes near
 * them, and a hostile one must not exhaust the job's memory or stack.
 */
final class Json {

  /** The largest message read: 4 MiB (Kafka's default largest record is 1 MB). */
  static final int MAX_BYTES = 4 << 20;

  /** The deepest nesting of arrays and objects. */
  static final int MAX_NESTING = 64;

  /** The longest string value, in characters. */
  static final int MAX_STRING = 1 << 20;

  // Configured once, then only read from: safe to share between threads.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING)
                          .maxStringLength(MAX_STRING)
                          .maxDocumentLength(MAX_BYTES)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  // Jackson names the (redacted) source inside some messages: "[Source: REDACTED (...); line: 1]".
  private static final Pattern SOURCE_NOTE = Pattern.compile("\\[Source: [^;]*; ");

  private Json() {}

  /**
   * Parses a whole document.
   *
   * @param what names the document in the failure, e.g. "not JSON" or "SQS body is not JSON"
   */
  static JsonNode read(byte[] bytes, String what) throws ParseFailure {
    if (bytes.length > MAX_BYTES) {
      throw new ParseFailure(
          what
              + ": the message is "
              + bytes.length
              + " bytes, more than the "
              + MAX_BYTES
              + " bytes a notification may have");
    }
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new ParseFailure(what + ": no JSON value");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ParseFailure(what + ": " + describe(e));
    } catch (IOException e) {
      throw new ParseFailure(what + ": " + e.getMessage());
    }
  }

  static JsonNode read(String text, String what) throws ParseFailure {
    return read(text.getBytes(StandardCharsets.UTF_8), what);
  }

  /** Jackson's message without its note on source excerpts, and the line and column. */
  private static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String message = SOURCE_NOTE.matcher(e.getOriginalMessage()).replaceAll("[");
    return at == null
        ? message
        : message + " at line " + at.getLineNr() + " column " + at.getColumnNr();
  }

  /** The first field names of an object, to say what an unrecognized message looked like. */
  static String fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    Iterator<String> it = node.fieldNames();
    while (it.hasNext() && names.size() < 8) {
      names.add(it.next());
    }
    if (it.hasNext()) {
      names.add("...");
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
