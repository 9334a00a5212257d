package io.skyrelay.transforms.sync.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one Kafka record of a change-event topic into {@link
 * io.skyrelay.transforms.values.ChangeEvent}s.
 *
 * <p>Envelopes are unwrapped whatever the format asked for, as deep as {@value #MAX_DEPTH} levels:
 * an SNS notification ({@code {"Type":"Notification","Message":"..."}}), an SQS message ({@code
 * Body} or {@code body}), a Lambda-style batch ({@code {"Records":[{"eventSource":
 * "aws:sqs","body":"..."}]}} or {@code "EventSource":"aws:sns"}), in any nesting. What is inside
 * must then be of the format asked for, or of any format for {@link NotificationFormat#AUTO}.
 *
 * <p>The parser never throws for bad input: a message that cannot be understood gives a {@link
 * ParseResult#failure()} that names the record and the field at fault, for the dead-letter topic.
 * Instances hold no state, may be shared between threads and serialized with a DoFn.
 */
public final class ChangeEventParser implements Serializable {

  private static final long serialVersionUID = 1L;

  static final int MAX_DEPTH = 4;

  /** What a JSON document looks like, decided by its fields. */
  private enum Shape {
    RECORDS("S3 event notification Records", NotificationFormat.S3),
    S3_TEST_EVENT("an S3 test event", NotificationFormat.S3),
    SNS("an SNS message", null),
    SQS("an SQS message", null),
    EVENTBRIDGE("an Amazon EventBridge event", NotificationFormat.EVENTBRIDGE),
    EVENT_GRID("Azure Event Grid events", NotificationFormat.EVENT_GRID),
    GCS_MESSAGE("a GCS Pub/Sub message", NotificationFormat.GCS),
    UNKNOWN("unknown", null);

    final String description;

    /** The format this shape belongs to; null for envelopes, which any format may arrive in. */
    final NotificationFormat format;

    Shape(String description, NotificationFormat format) {
      this.description = description;
      this.format = format;
    }
  }

  public ChangeEventParser() {}

  /**
   * Parses one message.
   *
   * @param value the record's value; may be empty for a GCS notification without payload
   * @param headers the record's headers as strings (GCS Pub/Sub attributes travel here); may be
   *     null
   * @param format what the topic carries
   */
  public ParseResult parse(byte[] value, Map<String, String> headers, NotificationFormat format) {
    Objects.requireNonNull(format, "format");
    byte[] bytes = value == null ? new byte[0] : value;
    Map<String, String> attributes = headers == null ? Map.of() : headers;
    Results out = new Results();
    try {
      boolean gcsOk = format == NotificationFormat.GCS || format == NotificationFormat.AUTO;
      if (gcsOk && GcsNotifications.hasAttributes(attributes)) {
        GcsNotifications.parseHeaders(attributes, bytes, out);
      } else if (GcsNotifications.isBlank(bytes)) {
        throw new ParseFailure(
            format == NotificationFormat.GCS
                ? "empty message, and no GCS attributes (eventType, bucketId, objectId) in the"
                    + " headers"
                : "empty message");
      } else {
        parseDocument(Json.read(bytes, "not JSON"), format, 0, out);
      }
    } catch (ParseFailure e) {
      return ParseResult.failure(e.getMessage());
    } catch (RuntimeException e) {
      // A bug here must not stall the stream on one message retried forever: the message goes to
      // the dead-letter topic with its bytes, and the reason says whose fault it is.
      return ParseResult.failure("parser error, a bug in Skyrelay: " + e);
    }
    return out.toResult();
  }

  private static void parseDocument(
      JsonNode node, NotificationFormat format, int depth, Results out) throws ParseFailure {
    if (depth > MAX_DEPTH) {
      throw new ParseFailure("envelopes nested more than " + MAX_DEPTH + " deep");
    }
    Shape shape = shapeOf(node);
    if (shape == Shape.UNKNOWN) {
      throw new ParseFailure(describeUnknown(node, format));
    }
    if (shape.format != null && format != NotificationFormat.AUTO && shape.format != format) {
      throw new ParseFailure(
          "expected " + describe(format) + " but the message is " + shape.description);
    }
    switch (shape) {
      case RECORDS -> parseRecords(node.get("Records"), format, depth, out);
      case S3_TEST_EVENT -> S3Notifications.parseTestEvent(node, out);
      case SNS -> parseSns(node, "SNS message", format, depth, out);
      case SQS -> {
        String bodyField = node.path("Body").isTextual() ? "Body" : "body";
        parseSqs(node, "SQS message", bodyField, format, depth, out);
      }
      case EVENTBRIDGE -> EventBridgeEvents.parse(node, out);
      case EVENT_GRID -> EventGridEvents.parse(node, out);
      case GCS_MESSAGE -> GcsNotifications.parseWrapped(node, out);
      default -> throw new IllegalStateException(shape.name());
    }
  }

  private static Shape shapeOf(JsonNode node) {
    if (node.isArray()) {
      return node.isEmpty() || EventGridEvents.looksLike(node.get(0))
          ? Shape.EVENT_GRID
          : Shape.UNKNOWN;
    }
    if (!node.isObject()) {
      return Shape.UNKNOWN;
    }
    if (node.path("Records").isArray()) {
      return Shape.RECORDS;
    }
    if ("s3:TestEvent".equals(node.path("Event").asText(null))) {
      return Shape.S3_TEST_EVENT;
    }
    if (node.path("Type").isTextual() && (node.has("Message") || node.has("TopicArn"))) {
      return Shape.SNS;
    }
    if (node.path("Body").isTextual() || node.path("body").isTextual()) {
      return Shape.SQS;
    }
    if (EventBridgeEvents.looksLike(node)) {
      return Shape.EVENTBRIDGE;
    }
    if (EventGridEvents.looksLike(node)) {
      return Shape.EVENT_GRID;
    }
    if (GcsNotifications.looksWrapped(node)) {
      return Shape.GCS_MESSAGE;
    }
    return Shape.UNKNOWN;
  }

  /** S3 records, or a Lambda-style batch of SQS or SNS records. */
  private static void parseRecords(
      JsonNode records, NotificationFormat format, int depth, Results out) throws ParseFailure {
    if (records.isEmpty()) {
      out.skip("Records array is empty");
      return;
    }
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      if (!record.isObject()) {
        throw new ParseFailure("Records[" + i + "] is a " + JsonFields.typeOf(record));
      }
      String source = record.path("eventSource").asText(null);
      String snsSource = record.path("EventSource").asText(null);
      if ("aws:sqs".equals(source)) {
        parseSqs(record, "SQS record " + i, "body", format, depth, out);
      } else if ("aws:sns".equals(snsSource)) {
        JsonNode sns = record.get("Sns");
        if (sns == null || !sns.isObject()) {
          throw new ParseFailure("SNS record " + i + " has no Sns object");
        }
        parseSns(sns, "SNS record " + i, format, depth, out);
      } else if (S3Notifications.isS3Source(source)) {
        if (format != NotificationFormat.S3 && format != NotificationFormat.AUTO) {
          throw new ParseFailure(
              "expected " + describe(format) + " but the message is " + Shape.RECORDS.description);
        }
        S3Notifications.parseRecord(record, i, out);
      } else if (source == null && snsSource == null) {
        throw new ParseFailure("Records[" + i + "] has no eventSource");
      } else {
        throw new ParseFailure(
            "Records["
                + i
                + "] has eventSource "
                + (source != null ? source : snsSource)
                + "; expected aws:s3, aws:sqs or aws:sns");
      }
    }
  }

  private static void parseSns(
      JsonNode sns, String where, NotificationFormat format, int depth, Results out)
      throws ParseFailure {
    JsonFields f = new JsonFields(where, sns);
    String type = f.requiredText("Type");
    switch (type) {
      case "Notification" -> {
        String message = f.requiredText("Message");
        try {
          parseDocument(Json.read(message, "not JSON"), format, depth + 1, out);
        } catch (ParseFailure e) {
          throw e.within(where + " Message");
        }
      }
      case "SubscriptionConfirmation", "UnsubscribeConfirmation" ->
          out.skip(where + " is an SNS " + type + " for " + f.text("TopicArn") + ", no change");
      default -> throw f.failure("has unknown Type " + type);
    }
  }

  private static void parseSqs(
      JsonNode message,
      String where,
      String bodyField,
      NotificationFormat format,
      int depth,
      Results out)
      throws ParseFailure {
    JsonFields f = new JsonFields(where, message);
    String body = f.requiredText(bodyField);
    try {
      parseDocument(Json.read(body, "not JSON"), format, depth + 1, out);
    } catch (ParseFailure e) {
      throw e.within(where + " " + bodyField);
    }
  }

  private static String describe(NotificationFormat format) {
    return switch (format) {
      case S3 -> "S3 event notifications";
      case EVENTBRIDGE -> "Amazon EventBridge S3 events";
      case EVENT_GRID -> "Azure Event Grid events";
      case GCS -> "a GCS Pub/Sub notification";
      case AUTO -> "a change notification";
    };
  }

  private static String describeUnknown(JsonNode node, NotificationFormat format) {
    String what;
    if (node.isArray()) {
      JsonNode first = node.get(0);
      what =
          "a JSON array whose element 0 is "
              + (first.isObject()
                  ? "an object with fields " + Json.fieldNames(first)
                  : "a " + JsonFields.typeOf(first));
    } else if ("storage#object".equals(node.path("kind").asText(null))) {
      return "a GCS object resource without the notification's attributes (eventType, bucketId,"
          + " objectId): deliver the Pub/Sub attributes as Kafka headers";
    } else if (node.isObject()) {
      what = "a JSON object with fields " + Json.fieldNames(node);
    } else {
      what = "a JSON " + JsonFields.typeOf(node);
    }
    return "not " + describe(format) + ": " + what + ", a shape no parser knows";
  }
}
