package io.skyrelay.transforms.sync.parse;

import static io.skyrelay.transforms.sync.parse.Fixtures.assertContains;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertEvent;
import static io.skyrelay.transforms.sync.parse.Fixtures.event;
import static io.skyrelay.transforms.sync.parse.Fixtures.events;
import static io.skyrelay.transforms.sync.parse.Fixtures.failure;
import static io.skyrelay.transforms.sync.parse.Fixtures.json;
import static io.skyrelay.transforms.sync.parse.Fixtures.millis;
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

class EventGridParseTest {

  static final String TOPIC =
      "/subscriptions/{subscription-id}/resourceGroups/Storage/providers/Microsoft.Storage"
          + "/storageAccounts/my-storage-account";

  /**
   * The documented BlobCreated example. Its {@code data.url} names container "testcontainer" while
   * the subject says "test-container": the subject wins.
   */
  static ChangeEvent documentedCreated() {
    ChangeEvent e =
        event("eventgrid", "az", "my-storage-account/test-container", "new-file.txt", Kind.CREATED);
    e.size = 524288;
    e.etag = "0x8D4BCC2E4835CD0";
    e.sequencer = "00000000000004420000000000028963";
    e.eventTimeMillis = millis("2017-06-26T18:41:00.958Z");
    e.contentType = "text/plain";
    return e;
  }

  /** Azure's documented BlobDeleted example (Event Grid schema). */
  static final String DELETED =
      """
      {
        "topic": "%s",
        "subject": "/blobServices/default/containers/testcontainer/blobs/file-to-delete.txt",
        "eventType": "Microsoft.Storage.BlobDeleted",
        "eventTime": "2017-11-07T20:09:22.5674003Z",
        "id": "4c2359fe-001e-00ba-0e04-58586806d298",
        "data": {
          "api": "DeleteBlob",
          "requestId": "4c2359fe-001e-00ba-0e04-585868000000",
          "contentType": "text/plain",
          "blobType": "BlockBlob",
          "url": "https://my-storage-account.blob.core.windows.net/testcontainer/file-to-delete.txt",
          "sequencer": "0000000000000281000000000002F5CA",
          "storageDiagnostics": {"batchId": "b68529f3-68cd-4744-baa4-3c0498ec19f0"}
        },
        "dataVersion": "",
        "metadataVersion": "1"
      }
      """
          .formatted(TOPIC);

  static ObjectNode documentedCreatedNode() {
    return Fixtures.object0("azure_blobcreated_eventgrid.json");
  }

  @Test
  void documentedArrayParsesToEveryFieldPreferringTheSubjectOverTheUrl() {
    assertEvent(
        documentedCreated(),
        single(parse(text("azure_blobcreated_eventgrid.json"), NotificationFormat.EVENT_GRID)));
  }

  @Test
  void aSingleEventNotInAnArray() {
    assertEvent(
        documentedCreated(),
        single(parse(json(documentedCreatedNode()), NotificationFormat.EVENT_GRID)));
  }

  @Test
  void blobDeleted() {
    ChangeEvent expected =
        event(
            "eventgrid",
            "az",
            "my-storage-account/testcontainer",
            "file-to-delete.txt",
            Kind.DELETED);
    expected.sequencer = "0000000000000281000000000002F5CA";
    expected.eventTimeMillis = millis("2017-11-07T20:09:22.567Z");
    expected.contentType = "text/plain";
    assertEvent(expected, single(parse(DELETED, NotificationFormat.EVENT_GRID)));
  }

  @Test
  void arrayOfTwoGivesBothInOrder() {
    String two = "[" + json(documentedCreatedNode()) + "," + DELETED + "]";
    List<ChangeEvent> events = events(parse(two, NotificationFormat.EVENT_GRID));
    assertEquals(2, events.size());
    assertEvent(documentedCreated(), events.get(0));
    assertEquals("file-to-delete.txt", events.get(1).key);
    assertEquals(Kind.DELETED, events.get(1).kind);
  }

  @Test
  void cloudEventsSchema() {
    ObjectNode eg = documentedCreatedNode();
    String cloudEvent =
        """
        {
          "specversion": "1.0",
          "type": "Microsoft.Storage.BlobCreated",
          "source": "%s",
          "id": "831e1650-001e-001b-66ab-eeb76e069631",
          "time": "2017-06-26T18:41:00.9584103Z",
          "subject": "/blobServices/default/containers/test-container/blobs/new-file.txt",
          "data": %s
        }
        """
            .formatted(TOPIC, json(eg.get("data")));
    assertEvent(documentedCreated(), single(parse(cloudEvent, NotificationFormat.EVENT_GRID)));
    assertEvent(
        documentedCreated(), single(parse("[" + cloudEvent + "]", NotificationFormat.EVENT_GRID)));
  }

  @Test
  void blobNamesInTheSubjectAreTakenAsTheyAre() {
    ObjectNode eg = documentedCreatedNode();
    eg.put("subject", "/blobServices/default/containers/c1/blobs/dir/my file+1%.txt");
    ChangeEvent e = single(parse(json(eg), NotificationFormat.EVENT_GRID));
    assertEquals("my-storage-account/c1", e.bucket);
    assertEquals("dir/my file+1%.txt", e.key);
  }

  @Test
  void subscriptionValidationIsSkipped() {
    String validation =
        """
        [{
          "id": "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
          "topic": "/subscriptions/xx/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a",
          "subject": "",
          "data": {"validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
                   "validationUrl": "https://rp-eastus2.eventgrid.azure.net/..."},
          "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
          "eventTime": "2018-01-25T22:12:19.4556811Z",
          "metadataVersion": "1",
          "dataVersion": "1"
        }]
        """;
    assertContains(
        "Microsoft.EventGrid.SubscriptionValidationEvent",
        skipped(parse(validation, NotificationFormat.EVENT_GRID)));
  }

  @Test
  void blobTierChangedIsSkipped() {
    ObjectNode eg = documentedCreatedNode();
    eg.put("eventType", "Microsoft.Storage.BlobTierChanged");
    String reason = skipped(parse(json(eg), NotificationFormat.EVENT_GRID));
    assertContains("BlobTierChanged (/blobServices/default/containers/test-container", reason);
    assertContains("access tiers", reason);
  }

  @Test
  void aDirectoryDeleteFailsBecauseItRemovesAWholePrefix() {
    ObjectNode eg = documentedCreatedNode();
    eg.put("eventType", "Microsoft.Storage.DirectoryDeleted");
    eg.put("subject", "/blobServices/default/containers/c/blobs/dir");
    String reason = failure(parse(json(eg), NotificationFormat.EVENT_GRID));
    assertContains("Event Grid event is Microsoft.Storage.DirectoryDeleted", reason);
    assertContains("not supported", reason);
  }

  @Test
  void allEventsOfAnArrayOrNone() {
    ArrayNode two = Fixtures.JSON.createArrayNode();
    two.add(documentedCreatedNode());
    ObjectNode bad = documentedCreatedNode();
    bad.put("subject", "/blobServices/default/containers/c");
    two.add(bad);
    assertEquals(
        "Event Grid event 1 has subject '/blobServices/default/containers/c', expected"
            + " /blobServices/default/containers/<container>/blobs/<name>",
        failure(parse(json(two), NotificationFormat.EVENT_GRID)));
  }
}
