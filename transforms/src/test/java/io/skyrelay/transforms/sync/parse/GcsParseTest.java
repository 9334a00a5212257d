package io.skyrelay.transforms.sync.parse;

import static io.skyrelay.transforms.sync.parse.Fixtures.PARSER;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertContains;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertEvent;
import static io.skyrelay.transforms.sync.parse.Fixtures.attributes;
import static io.skyrelay.transforms.sync.parse.Fixtures.bytes;
import static io.skyrelay.transforms.sync.parse.Fixtures.event;
import static io.skyrelay.transforms.sync.parse.Fixtures.failure;
import static io.skyrelay.transforms.sync.parse.Fixtures.json;
import static io.skyrelay.transforms.sync.parse.Fixtures.millis;
import static io.skyrelay.transforms.sync.parse.Fixtures.object;
import static io.skyrelay.transforms.sync.parse.Fixtures.parse;
import static io.skyrelay.transforms.sync.parse.Fixtures.single;
import static io.skyrelay.transforms.sync.parse.Fixtures.text;
import static io.skyrelay.transforms.sync.parse.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.ChangeEvent.Kind;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcsParseTest {

  static final String GENERATION = "1587627537231057";

  static ChangeEvent documentedFinalize() {
    ChangeEvent e = event("gcs", "gs", "some-bucket", "folder/Test.cs", Kind.CREATED);
    e.size = 352;
    e.etag = GENERATION;
    e.sequencer = GENERATION;
    e.eventTimeMillis = millis("2020-04-23T07:38:57.230Z");
    e.contentType = "text/plain";
    return e;
  }

  static Map<String, String> attributesWith(String name, String value) {
    Map<String, String> a = new HashMap<>(attributes("gcs_finalize.attributes.json"));
    a.put(name, value);
    return a;
  }

  @Test
  void attributesAsHeadersWithTheResourceAsValue() {
    ParseResult result =
        PARSER.parse(
            bytes("gcs_finalize.payload.json"),
            attributes("gcs_finalize.attributes.json"),
            NotificationFormat.GCS);
    assertEvent(documentedFinalize(), single(result));
  }

  @Test
  void wrappedPubSubMessage() {
    assertEvent(
        documentedFinalize(), single(parse(text("gcs_finalize.json"), NotificationFormat.GCS)));
  }

  @Test
  void pushSubscriptionEnvelope() {
    String push =
        "{\"message\":"
            + text("gcs_finalize.json")
            + ",\"subscription\":\"projects/p/subscriptions/s\"}";
    assertEvent(documentedFinalize(), single(parse(push, NotificationFormat.GCS)));
  }

  @Test
  void noPayloadLeavesSizeAndContentTypeUnknown() {
    ChangeEvent expected = documentedFinalize();
    expected.size = -1;
    expected.contentType = null;
    Map<String, String> headers = attributesWith("payloadFormat", "NONE");
    assertEvent(expected, single(PARSER.parse(new byte[0], headers, NotificationFormat.GCS)));

    ObjectNode wrapped = object("gcs_finalize.json");
    wrapped.remove("data");
    ((ObjectNode) wrapped.get("attributes")).put("payloadFormat", "NONE");
    assertEvent(expected, single(parse(json(wrapped), NotificationFormat.GCS)));
  }

  @Test
  void deleteAfterOverwriteCarriesTheNewGeneration() {
    Map<String, String> headers = attributesWith("eventType", "OBJECT_DELETE");
    headers.put("overwrittenByGeneration", "1587627537231058");
    headers.put("eventTime", "2020-04-23T07:40:00.001Z");
    ChangeEvent expected = documentedFinalize();
    expected.kind = Kind.DELETED;
    expected.overwrittenByGeneration = "1587627537231058";
    expected.eventTimeMillis = millis("2020-04-23T07:40:00.001Z");
    assertEvent(
        expected,
        single(PARSER.parse(bytes("gcs_finalize.payload.json"), headers, NotificationFormat.GCS)));
  }

  @Test
  void archiveIsDeleted() {
    Map<String, String> headers = attributesWith("eventType", "OBJECT_ARCHIVE");
    ChangeEvent expected = documentedFinalize();
    expected.kind = Kind.DELETED;
    assertEvent(
        expected,
        single(PARSER.parse(bytes("gcs_finalize.payload.json"), headers, NotificationFormat.GCS)));
  }

  @Test
  void metadataUpdateIsOrderedByGenerationAndMetageneration() {
    ObjectNode resource = object("gcs_finalize.payload.json");
    resource.put("metageneration", "3");
    resource.put("contentType", "application/json");
    ObjectNode wrapped = object("gcs_finalize.json");
    wrapped.put("data", Base64.getEncoder().encodeToString(utf8(json(resource))));
    ((ObjectNode) wrapped.get("attributes")).put("eventType", "OBJECT_METADATA_UPDATE");
    ChangeEvent expected = documentedFinalize();
    expected.kind = Kind.METADATA_UPDATED;
    expected.sequencer = GENERATION + ".3";
    expected.contentType = "application/json";
    assertEvent(expected, single(parse(json(wrapped), NotificationFormat.GCS)));
  }

  @Test
  void metadataUpdateWithoutPayloadFailsBecauseItCannotBeOrdered() {
    Map<String, String> headers = attributesWith("eventType", "OBJECT_METADATA_UPDATE");
    headers.put("payloadFormat", "NONE");
    String reason = failure(PARSER.parse(new byte[0], headers, NotificationFormat.GCS));
    assertContains("OBJECT_METADATA_UPDATE without the object resource's metageneration", reason);
  }

  @Test
  void attributesAndPayloadMustNameTheSameObject() {
    Map<String, String> headers = attributesWith("objectId", "folder/Other.cs");
    assertEquals(
        "GCS notification has attribute objectId 'folder/Other.cs' but its payload has name"
            + " 'folder/Test.cs'",
        failure(PARSER.parse(bytes("gcs_finalize.payload.json"), headers, NotificationFormat.GCS)));
  }

  @Test
  void payloadFormatJsonWithoutPayloadFails() {
    assertEquals(
        "GCS notification has payloadFormat JSON_API_V1 but no object resource as payload",
        failure(
            PARSER.parse(
                new byte[0], attributes("gcs_finalize.attributes.json"), NotificationFormat.GCS)));
  }

  @Test
  void aResourceWithoutItsAttributesSaysWhatIsMissing() {
    assertEquals(
        "a GCS object resource without the notification's attributes (eventType, bucketId,"
            + " objectId): deliver the Pub/Sub attributes as Kafka headers",
        failure(parse(text("gcs_finalize.payload.json"), NotificationFormat.GCS)));
  }
}
