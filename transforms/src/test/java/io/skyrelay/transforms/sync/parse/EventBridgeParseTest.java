package io.skyrelay.transforms.sync.parse;

import static io.skyrelay.transforms.sync.parse.Fixtures.assertContains;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertEvent;
import static io.skyrelay.transforms.sync.parse.Fixtures.event;
import static io.skyrelay.transforms.sync.parse.Fixtures.failure;
import static io.skyrelay.transforms.sync.parse.Fixtures.json;
import static io.skyrelay.transforms.sync.parse.Fixtures.millis;
import static io.skyrelay.transforms.sync.parse.Fixtures.object;
import static io.skyrelay.transforms.sync.parse.Fixtures.parse;
import static io.skyrelay.transforms.sync.parse.Fixtures.single;
import static io.skyrelay.transforms.sync.parse.Fixtures.skipped;
import static io.skyrelay.transforms.sync.parse.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.ChangeEvent.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventBridgeParseTest {

  static ChangeEvent documentedCreated() {
    ChangeEvent e = event("eventbridge", "s3", "DOC-EXAMPLE-BUCKET1", "example-key", Kind.CREATED);
    e.size = 5;
    e.etag = "b1946ac92492d2347c6235b4d2611184";
    e.versionId = "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e";
    e.sequencer = "617f08299329d189";
    e.eventTimeMillis = millis("2021-11-12T00:00:00Z");
    return e;
  }

  /** AWS's documented "Object deleted (using DeleteObject)" example. */
  static final String DELETED =
      """
      {
        "version": "0",
        "id": "2ee9cc15-d022-99ea-1fb8-1b1bac4850f9",
        "detail-type": "Object Deleted",
        "source": "aws.s3",
        "account": "111122223333",
        "time": "2021-11-12T00:00:00Z",
        "region": "ca-central-1",
        "resources": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET1"],
        "detail": {
          "version": "0",
          "bucket": {"name": "DOC-EXAMPLE-BUCKET1"},
          "object": {
            "key": "example-key",
            "etag": "d41d8cd98f00b204e9800998ecf8427e",
            "version-id": "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF",
            "sequencer": "617f0837b476e463"
          },
          "request-id": "0BH729840619AG5K",
          "requester": "123456789012",
          "source-ip-address": "1.2.3.4",
          "reason": "DeleteObject",
          "deletion-type": "Delete Marker Created"
        }
      }
      """;

  @Test
  void documentedCreatedParsesToEveryField() {
    assertEvent(
        documentedCreated(),
        single(parse(text("eventbridge_created.json"), NotificationFormat.EVENTBRIDGE)));
  }

  @Test
  void deletedDropsTheDeleteMarkersEtag() {
    ChangeEvent expected =
        event("eventbridge", "s3", "DOC-EXAMPLE-BUCKET1", "example-key", Kind.DELETED);
    expected.versionId = "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF";
    expected.sequencer = "617f0837b476e463";
    expected.eventTimeMillis = millis("2021-11-12T00:00:00Z");
    assertEvent(expected, single(parse(DELETED, NotificationFormat.EVENTBRIDGE)));
  }

  @Test
  void lifecycleExpirationIsDeletedToo() {
    String expiration =
        DELETED
            .replace("\"DeleteObject\"", "\"Lifecycle Expiration\"")
            .replace("\"Delete Marker Created\"", "\"Permanently Deleted\"");
    assertEquals(Kind.DELETED, single(parse(expiration, NotificationFormat.EVENTBRIDGE)).kind);
  }

  @Test
  void keysAreUrlDecodedAsInS3Notifications() {
    ObjectNode event = object("eventbridge_created.json");
    ((ObjectNode) event.get("detail").get("object")).put("key", "my+photo%281%29.jpg");
    assertEquals("my photo(1).jpg", single(parse(json(event), NotificationFormat.EVENTBRIDGE)).key);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Object Restore Initiated",
        "Object Restore Completed",
        "Object Restore Expired",
        "Object Storage Class Changed",
        "Object Access Tier Changed",
        "Object Tags Added",
        "Object Tags Deleted",
        "Object ACL Updated"
      })
  void changesSkyrelayDoesNotReplicateAreSkipped(String detailType) {
    ObjectNode event = object("eventbridge_created.json");
    event.put("detail-type", detailType);
    String reason = skipped(parse(json(event), NotificationFormat.EVENTBRIDGE));
    assertContains(detailType + " of DOC-EXAMPLE-BUCKET1/example-key", reason);
  }

  @Test
  void eventBridgeEventInsideAnSqsBodyIsUnwrapped() {
    String sqs = "{\"messageId\":\"1\",\"Body\":" + json(text("eventbridge_created.json")) + "}";
    assertEvent(documentedCreated(), single(parse(sqs, NotificationFormat.EVENTBRIDGE)));
  }

  @Test
  void anEventOfAnotherServiceFails() {
    ObjectNode event = object("eventbridge_created.json");
    event.put("source", "aws.ec2");
    assertEquals(
        "EventBridge event has source aws.ec2, not aws.s3: it is not an S3 event",
        failure(parse(json(event), NotificationFormat.EVENTBRIDGE)));
  }

  @Test
  void anUnknownDetailTypeFails() {
    ObjectNode event = object("eventbridge_created.json");
    event.put("detail-type", "Object Teleported");
    assertEquals(
        "EventBridge event has unknown detail-type Object Teleported for source aws.s3",
        failure(parse(json(event), NotificationFormat.EVENTBRIDGE)));
  }
}
