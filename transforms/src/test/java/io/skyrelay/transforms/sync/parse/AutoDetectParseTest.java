package io.skyrelay.transforms.sync.parse;

import static io.skyrelay.transforms.sync.parse.Fixtures.PARSER;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertContains;
import static io.skyrelay.transforms.sync.parse.Fixtures.assertEvent;
import static io.skyrelay.transforms.sync.parse.Fixtures.attributes;
import static io.skyrelay.transforms.sync.parse.Fixtures.bytes;
import static io.skyrelay.transforms.sync.parse.Fixtures.parse;
import static io.skyrelay.transforms.sync.parse.Fixtures.single;
import static io.skyrelay.transforms.sync.parse.Fixtures.skipped;
import static io.skyrelay.transforms.sync.parse.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skyrelay.transforms.values.ChangeEvent;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AUTO finds the same events as naming the format, for each format and envelope. */
class AutoDetectParseTest {

  static Stream<Arguments> messages() {
    String s3 = text("s3_put.json");
    Supplier<ChangeEvent> put = S3NotificationParseTest::documentedPut;
    return Stream.of(
        Arguments.of("S3 notification", s3, NotificationFormat.S3, put),
        Arguments.of("SNS", S3NotificationParseTest.sns(s3), NotificationFormat.S3, put),
        Arguments.of("SQS", S3NotificationParseTest.sqs("Body", s3), NotificationFormat.S3, put),
        Arguments.of(
            "SQS > SNS",
            S3NotificationParseTest.sqs("body", S3NotificationParseTest.sns(s3)),
            NotificationFormat.S3,
            put),
        Arguments.of(
            "SQS batch",
            "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"body\":" + Fixtures.json(s3) + "}]}",
            NotificationFormat.S3,
            put),
        Arguments.of(
            "EventBridge",
            text("eventbridge_created.json"),
            NotificationFormat.EVENTBRIDGE,
            (Supplier<ChangeEvent>) EventBridgeParseTest::documentedCreated),
        Arguments.of(
            "Event Grid",
            text("azure_blobcreated_eventgrid.json"),
            NotificationFormat.EVENT_GRID,
            (Supplier<ChangeEvent>) EventGridParseTest::documentedCreated),
        Arguments.of(
            "GCS wrapped",
            text("gcs_finalize.json"),
            NotificationFormat.GCS,
            (Supplier<ChangeEvent>) GcsParseTest::documentedFinalize));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void autoFindsWhatTheNamedFormatFinds(
      String name, String message, NotificationFormat format, Supplier<ChangeEvent> expected) {
    ParseResult named = parse(message, format);
    ParseResult auto = parse(message, NotificationFormat.AUTO);
    assertEvent(expected.get(), single(named));
    assertEvent(expected.get(), single(auto));
    assertEquals(named.events(), auto.events());
  }

  @Test
  void gcsAttributesInHeaders() {
    assertEvent(
        GcsParseTest.documentedFinalize(),
        single(
            PARSER.parse(
                bytes("gcs_finalize.payload.json"),
                attributes("gcs_finalize.attributes.json"),
                NotificationFormat.AUTO)));
  }

  @Test
  void unrelatedHeadersDoNotMakeAMessageGcs() {
    Map<String, String> headers = Map.of("eventType", "x", "traceparent", "00-abc");
    assertEvent(
        S3NotificationParseTest.documentedPut(),
        single(PARSER.parse(bytes("s3_put.json"), headers, NotificationFormat.AUTO)));
  }

  @Test
  void s3TestEvent() {
    assertContains(
        "s3:TestEvent", skipped(parse(text("s3_test_event.json"), NotificationFormat.AUTO)));
  }

  @Test
  void cloudEventArray() {
    String cloudEvents =
        """
        [{"specversion": "1.0", "type": "Microsoft.Storage.BlobDeleted",
          "source": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/acct",
          "id": "1", "time": "2024-01-01T00:00:00Z",
          "subject": "/blobServices/default/containers/c/blobs/k",
          "data": {"api": "DeleteBlob", "sequencer": "00000000000000010000000000000002"}}]
        """;
    List<ChangeEvent> events = Fixtures.events(parse(cloudEvents, NotificationFormat.AUTO));
    assertEquals(1, events.size());
    assertEquals("acct/c", events.get(0).bucket);
    assertEquals(ChangeEvent.Kind.DELETED, events.get(0).kind);
  }
}
