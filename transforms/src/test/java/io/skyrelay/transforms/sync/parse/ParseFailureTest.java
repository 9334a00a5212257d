package io.skyrelay.transforms.sync.parse;

import static io.skyrelay.transforms.sync.parse.Fixtures.PARSER;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertContains;
import static io.skyrelay.transforms.sync.parse.Fixtures.failure;
import static io.skyrelay.transforms.sync.parse.Fixtures.json;
import static io.skyrelay.transforms.sync.parse.Fixtures.object;
import static io.skyrelay.transforms.sync.parse.Fixtures.parse;
import static io.skyrelay.transforms.sync.parse.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each reason a message is dead-lettered says what is wrong with it. */
class ParseFailureTest {

  private static ObjectNode s3Record(ObjectNode message) {
    return (ObjectNode) message.get("Records").get(0);
  }

  @ParameterizedTest
  @EnumSource(NotificationFormat.class)
  void notJson(NotificationFormat format) {
    String reason = failure(parse("{\"Records\": [nope]}", format));
    assertTrue(reason.startsWith("not JSON: Unrecognized token 'nope'"), reason);
    assertContains("at line 1 column 19", reason);
  }

  @ParameterizedTest
  @EnumSource(NotificationFormat.class)
  void hostileJsonIsRefusedNamingTheLimit(NotificationFormat format) {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    String reason = failure(parse(deep, format));
    assertTrue(reason.startsWith("not JSON: "), reason);
    assertContains("nesting depth", reason);
    assertContains("(" + Json.MAX_NESTING, reason);

    String longString = "{\"Records\": \"" + "x".repeat(Json.MAX_STRING + 1) + "\"}";
    reason = failure(parse(longString, format));
    assertContains("String value length", reason);
    assertContains(Integer.toString(Json.MAX_STRING), reason);

    byte[] huge = ("[" + "0,".repeat(Json.MAX_BYTES / 2) + "0]").getBytes();
    reason = failure(PARSER.parse(huge, Map.of(), format));
    assertContains("the message is " + huge.length + " bytes, more than the 4194304 bytes", reason);
  }

  @Test
  void trailingGarbageIsNotJson() {
    String reason = failure(parse(text("s3_put.json") + "\n{}", NotificationFormat.AUTO));
    assertTrue(reason.startsWith("not JSON: Trailing token"), reason);
  }

  @Test
  void emptyMessage() {
    assertEquals("empty message", failure(PARSER.parse(new byte[0], null, NotificationFormat.S3)));
    assertEquals(
        "empty message, and no GCS attributes (eventType, bucketId, objectId) in the headers",
        failure(PARSER.parse(" \n".getBytes(), Map.of(), NotificationFormat.GCS)));
  }

  @Test
  void jsonOfUnknownShape() {
    assertEquals(
        "not a change notification: a JSON object with fields hello, count, a shape no parser"
            + " knows",
        failure(parse("{\"hello\": \"world\", \"count\": 2}", NotificationFormat.AUTO)));
    assertEquals(
        "not S3 event notifications: a JSON number, a shape no parser knows",
        failure(parse("42", NotificationFormat.S3)));
    assertEquals(
        "not Azure Event Grid events: a JSON array whose element 0 is an object with fields id,"
            + " a shape no parser knows",
        failure(parse("[{\"id\": 1}]", NotificationFormat.EVENT_GRID)));
  }

  @Test
  void aFormatOtherThanTheOneAskedFor() {
    assertEquals(
        "expected a GCS Pub/Sub notification but the message is Azure Event Grid events",
        failure(parse(text("azure_blobcreated_eventgrid.json"), NotificationFormat.GCS)));
  }

  @Test
  void missingKey() {
    ObjectNode message = object("s3_put.json");
    ((ObjectNode) s3Record(message).get("s3").get("object")).remove("key");
    assertEquals(
        "S3 record 0 has no s3.object.key", failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void missingFieldInsideEnvelopesSaysWhereItIs() {
    ObjectNode message = object("s3_put.json");
    ((ObjectNode) s3Record(message).get("s3").get("bucket")).remove("name");
    String sqs = S3NotificationParseTest.sqs("Body", S3NotificationParseTest.sns(json(message)));
    assertEquals(
        "SQS message Body: SNS message Message: S3 record 0 has no s3.bucket.name",
        failure(parse(sqs, NotificationFormat.AUTO)));
  }

  @Test
  void notJsonInsideAnSqsBody() {
    String sqs = S3NotificationParseTest.sqs("Body", "Hello from SQS");
    String reason = failure(parse(sqs, NotificationFormat.S3));
    assertTrue(reason.startsWith("SQS message Body: not JSON: Unrecognized token 'Hello'"), reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "3.0", "20.1", "two"})
  void unsupportedEventVersion(String version) {
    ObjectNode message = object("s3_put.json");
    s3Record(message).put("eventVersion", version);
    assertEquals(
        "S3 record 0 has eventVersion " + version + "; only 2.x is supported",
        failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void unknownS3EventName() {
    ObjectNode message = object("s3_put.json");
    s3Record(message).put("eventName", "ObjectTeleported:Put");
    assertEquals(
        "S3 record 0 has unknown eventName ObjectTeleported:Put",
        failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void unknownEventGridEventType() {
    ArrayNode events = Fixtures.JSON.createArrayNode();
    ObjectNode event = Fixtures.object0("azure_blobcreated_eventgrid.json");
    event.put("eventType", "Microsoft.Storage.BlobTeleported");
    events.add(event);
    assertEquals(
        "Event Grid event 0 has unknown eventType Microsoft.Storage.BlobTeleported",
        failure(parse(json(events), NotificationFormat.EVENT_GRID)));
  }

  @Test
  void unknownGcsEventType() {
    ObjectNode message = object("gcs_finalize.json");
    ((ObjectNode) message.get("attributes")).put("eventType", "OBJECT_TELEPORT");
    assertEquals(
        "GCS Pub/Sub message has unknown eventType OBJECT_TELEPORT",
        failure(parse(json(message), NotificationFormat.GCS)));
  }

  @Test
  void badBase64() {
    ObjectNode message = object("gcs_finalize.json");
    message.put("data", "eyJidWNrZXQiOi*not-base64*");
    String reason = failure(parse(json(message), NotificationFormat.GCS));
    assertTrue(
        reason.startsWith("GCS Pub/Sub message has data that is not valid base64: Illegal base64"),
        reason);
  }

  @Test
  void keyThatIsNotValidUrlEncoding() {
    ObjectNode message = object("s3_put.json");
    ((ObjectNode) s3Record(message).get("s3").get("object")).put("key", "100%-done");
    assertEquals(
        "S3 record 0 has s3.object.key '100%-done' that is not valid URL encoding",
        failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void sequencerThatIsNotHex() {
    ObjectNode message = object("s3_put.json");
    ((ObjectNode) s3Record(message).get("s3").get("object")).put("sequencer", "0055-AED6");
    assertEquals(
        "S3 record 0 has s3.object.sequencer '0055-AED6' that is not hexadecimal",
        failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void generationThatIsNotANumber() {
    Map<String, String> headers =
        new java.util.HashMap<>(Fixtures.attributes("gcs_finalize.attributes.json"));
    headers.put("objectGeneration", "latest");
    headers.put("payloadFormat", "NONE");
    assertEquals(
        "GCS notification has objectGeneration 'latest' that is not a number",
        failure(PARSER.parse(new byte[0], headers, NotificationFormat.GCS)));
  }

  @Test
  void timeThatIsNotIso8601() {
    ObjectNode message = object("s3_put.json");
    s3Record(message).put("eventTime", "yesterday");
    assertEquals(
        "S3 record 0 has eventTime 'yesterday' that is not an ISO-8601 UTC time",
        failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void sizeThatIsNotANumber() {
    ObjectNode message = object("s3_put.json");
    ((ObjectNode) s3Record(message).get("s3").get("object")).put("size", "big");
    assertEquals(
        "S3 record 0 has s3.object.size \"big\", expected a whole number of bytes",
        failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void oneBadRecordFailsTheWholeMessage() {
    ObjectNode message = object("s3_put.json");
    ObjectNode bad = object("s3_put.json");
    s3Record(bad).remove("eventName");
    ((ArrayNode) message.get("Records")).add(s3Record(bad));
    assertEquals(
        "S3 record 1 has no eventName", failure(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void recordFromAnotherService() {
    assertEquals(
        "Records[0] has eventSource aws:dynamodb; expected aws:s3, aws:sqs or aws:sns",
        failure(
            parse("{\"Records\":[{\"eventSource\":\"aws:dynamodb\"}]}", NotificationFormat.AUTO)));
  }

  @Test
  void envelopesNestedTooDeep() {
    String message = text("s3_put.json");
    for (int i = 0; i < ChangeEventParser.MAX_DEPTH; i++) {
      message = S3NotificationParseTest.sqs("Body", message);
    }
    assertEquals(1, Fixtures.events(parse(message, NotificationFormat.S3)).size());
    message = S3NotificationParseTest.sqs("Body", message);
    assertContains(
        "envelopes nested more than " + ChangeEventParser.MAX_DEPTH + " deep",
        failure(parse(message, NotificationFormat.S3)));
  }
}
