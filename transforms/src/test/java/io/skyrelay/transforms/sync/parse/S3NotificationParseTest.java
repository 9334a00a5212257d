package io.skyrelay.transforms.sync.parse;

import static io.skyrelay.transforms.sync.parse.Fixtures.assertContains;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertEvent;
import static io.skyrelay.transforms.sync.parse.Fixtures.event;
import static io.skyrelay.transforms.sync.parse.Fixtures.events;
import static io.skyrelay.transforms.sync.parse.Fixtures.failure;
import static io.skyrelay.transforms.sync.parse.Fixtures.json;
import static io.skyrelay.transforms.sync.parse.Fixtures.object;
import static io.skyrelay.transforms.sync.parse.Fixtures.parse;
import static io.skyrelay.transforms.sync.parse.Fixtures.single;
import static io.skyrelay.transforms.sync.parse.Fixtures.skipped;
import static io.skyrelay.transforms.sync.parse.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.ChangeEvent.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3NotificationParseTest {

  /** The documented {@code s3_put.json} record, as a parsed event. */
  static ChangeEvent documentedPut() {
    ChangeEvent e = event("s3", "s3", "mybucket", "HappyFace.jpg", Kind.CREATED);
    e.size = 1024;
    e.etag = "d41d8cd98f00b204e9800998ecf8427e";
    e.versionId = "096fKKXTRTtl3on89fVO.nfljtsv6qko";
    e.sequencer = "0055AED6DCD90281E5";
    e.eventTimeMillis = 0; // 1970-01-01T00:00:00.000Z
    return e;
  }

  /** The documented message with its one record changed. */
  static ObjectNode putWith(String eventName, String key) {
    ObjectNode message = object("s3_put.json");
    ObjectNode record = (ObjectNode) message.get("Records").get(0);
    record.put("eventName", eventName);
    ((ObjectNode) record.get("s3").get("object")).put("key", key);
    return message;
  }

  static String sns(String message) {
    ObjectNode sns = Fixtures.JSON.createObjectNode();
    sns.put("Type", "Notification");
    sns.put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
    sns.put("TopicArn", "arn:aws:sns:us-west-2:123456789012:s3-events");
    sns.put("Subject", "Amazon S3 Notification");
    sns.put("Message", message);
    sns.put("Timestamp", "1970-01-01T00:00:00.000Z");
    sns.put("SignatureVersion", "1");
    return json(sns);
  }

  static String sqs(String bodyField, String body) {
    ObjectNode sqs = Fixtures.JSON.createObjectNode();
    sqs.put("MessageId", "c80e8021-a70a-42c7-a470-796e1186f753");
    sqs.put(
        "ReceiptHandle", "AQEBJQ+/u6NsnT5t8Q/VbVxgdUl4TMKZ5FqhksRdIQvLBhwNvADoBxYSOVeCBXdnS9P+");
    sqs.put("MD5OfBody", "d41d8cd98f00b204e9800998ecf8427e");
    sqs.put(bodyField, body);
    return json(sqs);
  }

  @Test
  void documentedPutParsesToEveryField() {
    assertEvent(documentedPut(), single(parse(text("s3_put.json"), NotificationFormat.S3)));
  }

  @Test
  void testEventIsSkipped() {
    String reason = skipped(parse(text("s3_test_event.json"), NotificationFormat.S3));
    assertContains("s3:TestEvent", reason);
    assertContains("bucketname", reason);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "my+photo%281%29.jpg | my photo(1).jpg",
        "a%2Bb.txt           | a+b.txt",
        "caf%C3%A9/men%C3%BC | café/menü",
        "dt%3D2018-05-04/_SUCCESS | dt=2018-05-04/_SUCCESS",
        "100%25              | 100%"
      })
  void urlEncodedKeysAreDecoded(String encoded, String key) {
    ChangeEvent e =
        single(parse(json(putWith("ObjectCreated:Put", encoded)), NotificationFormat.S3));
    assertEquals(key, e.key);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ObjectCreated:Put",
        "ObjectCreated:Post",
        "ObjectCreated:Copy",
        "ObjectCreated:CompleteMultipartUpload"
      })
  void everyObjectCreatedIsCreated(String eventName) {
    ChangeEvent expected = documentedPut();
    assertEvent(
        expected, single(parse(json(putWith(eventName, "HappyFace.jpg")), NotificationFormat.S3)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ObjectRemoved:Delete",
        "ObjectRemoved:DeleteMarkerCreated",
        "LifecycleExpiration:Delete",
        "LifecycleExpiration:DeleteMarkerCreated"
      })
  void removalsAndExpirationsAreDeletedWithoutTheMarkersEtagAndSize(String eventName) {
    ObjectNode message = putWith(eventName, "HappyFace.jpg");
    ChangeEvent expected = documentedPut();
    expected.kind = Kind.DELETED;
    expected.size = -1;
    expected.etag = null;
    assertEvent(expected, single(parse(json(message), NotificationFormat.S3)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ObjectTagging:Put                         | tags",
        "ObjectTagging:Delete                      | tags",
        "ObjectAcl:Put                             | ACLs",
        "ObjectRestore:Post                        | restore",
        "ObjectRestore:Completed                   | restore",
        "ObjectRestore:Delete                      | restore",
        "Replication:OperationFailedReplication    | replication",
        "LifecycleTransition                       | storage classes",
        "IntelligentTiering                        | access tiers",
        "ReducedRedundancyLostObject               | Reduced Redundancy"
      })
  void changesSkyrelayDoesNotReplicateAreSkippedWithTheirReason(String eventName, String why) {
    String reason =
        skipped(parse(json(putWith(eventName, "HappyFace.jpg")), NotificationFormat.S3));
    assertContains("S3 record 0 " + eventName + " of mybucket/HappyFace.jpg", reason);
    assertContains(why, reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.0", "2.1", "2.2", "2.3", "2.6"})
  void everyEventVersion2IsAccepted(String version) {
    ObjectNode message = object("s3_put.json");
    ((ObjectNode) message.get("Records").get(0)).put("eventVersion", version);
    assertEvent(documentedPut(), single(parse(json(message), NotificationFormat.S3)));
  }

  @Test
  void recordsOfOneMessageComeInOrder() {
    ObjectNode message = putWith("ObjectCreated:Put", "a");
    ArrayNode records = (ArrayNode) message.get("Records");
    ObjectNode second = putWith("ObjectRemoved:Delete", "b");
    records.add(second.get("Records").get(0));
    List<ChangeEvent> events = events(parse(json(message), NotificationFormat.S3));
    assertEquals(2, events.size());
    assertEquals("a", events.get(0).key);
    assertEquals(Kind.CREATED, events.get(0).kind);
    assertEquals("b", events.get(1).key);
    assertEquals(Kind.DELETED, events.get(1).kind);
  }

  @Test
  void snsEnvelopeIsUnwrapped() {
    assertEvent(documentedPut(), single(parse(sns(text("s3_put.json")), NotificationFormat.S3)));
  }

  @Test
  void testEventInsideSnsIsSkipped() {
    assertContains(
        "s3:TestEvent", skipped(parse(sns(text("s3_test_event.json")), NotificationFormat.S3)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Body", "body"})
  void sqsMessageIsUnwrapped(String bodyField) {
    assertEvent(
        documentedPut(), single(parse(sqs(bodyField, text("s3_put.json")), NotificationFormat.S3)));
  }

  @Test
  void sqsHoldingSnsHoldingS3IsUnwrapped() {
    assertEvent(
        documentedPut(),
        single(parse(sqs("Body", sns(text("s3_put.json"))), NotificationFormat.S3)));
  }

  @Test
  void lambdaStyleSqsBatchGivesEachBodysEventsAndSkips() {
    String batch =
        """
        {"Records": [
          {"messageId": "1", "eventSource": "aws:sqs", "awsRegion": "us-west-2", "body": %s},
          {"messageId": "2", "eventSource": "aws:sqs", "awsRegion": "us-west-2", "body": %s},
          {"messageId": "3", "eventSource": "aws:sqs", "awsRegion": "us-west-2", "body": %s}
        ]}
        """
            .formatted(
                json(text("s3_put.json")),
                json(text("s3_test_event.json")),
                json(sns(json(putWith("ObjectRemoved:Delete", "gone.txt")))));
    ParseResult result = parse(batch, NotificationFormat.S3);
    List<ChangeEvent> events = events(result);
    assertEquals(2, events.size());
    assertEvent(documentedPut(), events.get(0));
    assertEquals("gone.txt", events.get(1).key);
    assertEquals(Kind.DELETED, events.get(1).kind);
    assertEquals(1, result.skipped().size());
    assertContains("s3:TestEvent", result.skipped().get(0));
  }

  @Test
  void lambdaStyleSnsRecordIsUnwrapped() {
    String batch =
        """
        {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                      "Sns": {"Type": "Notification", "Message": %s}}]}
        """
            .formatted(json(text("s3_put.json")));
    assertEvent(documentedPut(), single(parse(batch, NotificationFormat.S3)));
  }

  @Test
  void snsSubscriptionConfirmationIsSkipped() {
    String confirmation =
        """
        {"Type": "SubscriptionConfirmation", "TopicArn": "arn:aws:sns:us-west-2:1:t",
         "Message": "You have chosen to subscribe", "SubscribeURL": "https://sns.example/confirm"}
        """;
    assertContains("SubscriptionConfirmation", skipped(parse(confirmation, NotificationFormat.S3)));
  }

  @Test
  void s3CompatibleStoresRecordsAreReadTheSameWay() {
    String minio =
        """
        {"EventName": "s3:ObjectCreated:Put", "Key": "mybucket/users/ABC",
         "Records": [{"eventVersion": "2.0", "eventSource": "minio:s3",
           "eventTime": "2019-05-18T07:34:32.123Z", "eventName": "s3:ObjectCreated:Put",
           "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": "mybucket"},
             "object": {"key": "users%2FABC", "size": 132, "eTag": "9a0364b9e99bb480dd25e1f0284c8555",
                        "sequencer": "159FB6B233B08AF0"}}}]}
        """;
    ChangeEvent expected = event("s3", "s3", "mybucket", "users/ABC", Kind.CREATED);
    expected.size = 132;
    expected.etag = "9a0364b9e99bb480dd25e1f0284c8555";
    expected.sequencer = "159FB6B233B08AF0";
    expected.eventTimeMillis = Fixtures.millis("2019-05-18T07:34:32.123Z");
    assertEvent(expected, single(parse(minio, NotificationFormat.S3)));
  }

  @Test
  void anEventBridgeEventIsNotAnS3Notification() {
    assertEquals(
        "expected S3 event notifications but the message is an Amazon EventBridge event",
        failure(parse(text("eventbridge_created.json"), NotificationFormat.S3)));
  }
}
