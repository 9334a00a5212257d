package io.skyrelay.transforms.sync.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.transforms.values.ChangeEvent;
import java.util.Map;

/**
 * Amazon EventBridge events from source {@code aws.s3}.
 *
 * <p>{@code Object Created} is CREATED; {@code Object Deleted} is DELETED whatever its {@code
 * deletion-type} ("Permanently Deleted" or "Delete Marker Created", by an API call or a lifecycle
 * rule), for the reasons given in {@link S3Notifications}. Restores, storage class and access tier
 * changes, tag and ACL changes are skipped with their reason; any other detail-type fails.
 *
 * <p>The object key is URL-encoded like in S3 event notifications and decoded the same way. AWS's
 * EventBridge documentation does not say so either way (its examples use plain keys); AWS's own
 * Lambda Powertools decodes {@code detail.object.key} with {@code unquote_plus}, and LocalStack,
 * whose tests are recorded against AWS, emits the same encoded key to EventBridge as to SQS. A key
 * that contains a literal {@code '+'} or {@code '%'} is therefore where this assumption would show
 * if it were wrong.
 *
 * <p>The event time is the envelope's {@code time}, which EventBridge gives to the second.
 */
final class EventBridgeEvents {

  static final String FORMAT = "eventbridge";

  private static final Map<String, String> SKIPPED =
      Map.of(
          "Object Restore Initiated",
          "a restore only makes a temporary copy of an archived object readable",
          "Object Restore Completed",
          "a restore only makes a temporary copy of an archived object readable",
          "Object Restore Expired",
          "the temporary copy of a restored object expired; the archived object is unchanged",
          "Object Storage Class Changed",
          "storage classes are local to a store and not replicated",
          "Object Access Tier Changed",
          "access tiers are local to a store and not replicated",
          "Object Tags Added",
          "Skyrelay does not replicate object tags",
          "Object Tags Deleted",
          "Skyrelay does not replicate object tags",
          "Object ACL Updated",
          "Skyrelay does not replicate ACLs");

  private EventBridgeEvents() {}

  static boolean looksLike(JsonNode node) {
    return node.isObject() && node.path("source").isTextual() && node.has("detail-type");
  }

  static void parse(JsonNode node, Results out) throws ParseFailure {
    JsonFields f = new JsonFields("EventBridge event", node);
    String source = f.requiredText("source");
    if (!source.equals("aws.s3")) {
      throw f.failure("has source " + source + ", not aws.s3: it is not an S3 event");
    }
    String detailType = f.requiredText("detail-type");
    ChangeEvent.Kind kind;
    switch (detailType) {
      case "Object Created" -> kind = ChangeEvent.Kind.CREATED;
      case "Object Deleted" -> kind = ChangeEvent.Kind.DELETED;
      default -> {
        String why = SKIPPED.get(detailType);
        if (why == null) {
          throw f.failure("has unknown detail-type " + detailType + " for source aws.s3");
        }
        JsonNode bucket = f.at("detail.bucket.name");
        JsonNode key = f.at("detail.object.key");
        out.skip(
            f.where()
                + " "
                + detailType
                + " of "
                + (bucket == null ? "?" : bucket.asText())
                + "/"
                + (key == null ? "?" : key.asText())
                + ": "
                + why);
        return;
      }
    }
    f.requiredObject("detail");
    ChangeEvent e = new ChangeEvent();
    e.format = FORMAT;
    e.store = S3Notifications.STORE;
    e.bucket = f.requiredText("detail.bucket.name");
    e.key = S3Notifications.decodeKey(f, "detail.object.key");
    e.kind = kind;
    if (kind != ChangeEvent.Kind.DELETED) {
      e.size = f.size("detail.object.size");
      e.etag = JsonFields.unquote(f.text("detail.object.etag"));
    }
    e.versionId = f.text("detail.object.version-id");
    e.sequencer = f.hex("detail.object.sequencer");
    e.eventTimeMillis = f.requiredTime("time");
    out.add(e);
  }
}
