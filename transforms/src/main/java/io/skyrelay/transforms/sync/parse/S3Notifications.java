package io.skyrelay.transforms.sync.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.transforms.values.ChangeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Amazon S3 event notification records ({@code Records[]} of event version 2.x).
 *
 * <p>Event names map as follows:
 *
 * <ul>
 *   <li>{@code ObjectCreated:*} (Put, Post, Copy, CompleteMultipartUpload) is CREATED.
 *   <li>{@code ObjectRemoved:Delete} and {@code ObjectRemoved:DeleteMarkerCreated} are DELETED: a
 *       delete marker hides the object from every reader that does not ask for a version, so for a
 *       replica it is gone. So are {@code LifecycleExpiration:Delete} and {@code
 *       LifecycleExpiration:DeleteMarkerCreated}, the same two removals done by a lifecycle rule.
 *       An {@code ObjectRemoved:Delete} that names a {@code versionId} removed that version only,
 *       which may not have been the current one; the applier checks whether the object still exists
 *       at the source before it deletes the replicas' copies.
 *   <li>Restores, S3's own replication status, storage-class and Intelligent-Tiering transitions,
 *       tag and ACL changes and the loss of a Reduced Redundancy object are skipped, each with its
 *       reason: none of them changes the content or the metadata (content type, user metadata)
 *       Skyrelay replicates. S3 user metadata can only change by rewriting the object, which
 *       arrives as {@code ObjectCreated:Copy}.
 *   <li>Any other event name fails, so a new kind of event is seen rather than silently dropped.
 * </ul>
 *
 * <p>Keys are URL-encoded in these notifications ({@code '+'} for a space, {@code %XX} for other
 * bytes of the UTF-8 key) and are decoded here. The ETag of a delete, when there is one, is the
 * delete marker's and is dropped. S3-compatible stores that send the same records (event sources
 * such as {@code minio:s3}, event names with an {@code s3:} prefix) are read the same way.
 */
final class S3Notifications {

  static final String FORMAT = "s3";
  static final String STORE = "s3";

  private static final Map<String, String> SKIPPED =
      Map.of(
          "ObjectRestore",
          "a restore only makes a temporary copy of an archived object readable",
          "Replication",
          "it reports on S3's own replication, not a change to the object",
          "LifecycleTransition",
          "storage classes are local to a store and not replicated",
          "IntelligentTiering",
          "access tiers are local to a store and not replicated",
          "ObjectTagging",
          "Skyrelay does not replicate object tags",
          "ObjectAcl",
          "Skyrelay does not replicate ACLs",
          "ReducedRedundancyLostObject",
          "the store lost its Reduced Redundancy copy; replicas are kept, not deleted");

  private S3Notifications() {}

  /** True for the {@code eventSource} of an S3 record ({@code aws:s3}, or a compatible store). */
  static boolean isS3Source(String eventSource) {
    return eventSource != null && eventSource.endsWith(":s3");
  }

  static void parseRecord(JsonNode record, int index, Results out) throws ParseFailure {
    JsonFields f = new JsonFields("S3 record " + index, record);
    String version = f.requiredText("eventVersion");
    if (!version.equals("2") && !version.startsWith("2.")) {
      throw f.failure("has eventVersion " + version + "; only 2.x is supported");
    }
    String eventName = f.requiredText("eventName");
    String event = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
    int colon = event.indexOf(':');
    String family = colon < 0 ? event : event.substring(0, colon);
    ChangeEvent.Kind kind;
    switch (family) {
      case "ObjectCreated" -> kind = ChangeEvent.Kind.CREATED;
      case "ObjectRemoved", "LifecycleExpiration" -> kind = ChangeEvent.Kind.DELETED;
      default -> {
        String why = SKIPPED.get(family);
        if (why == null) {
          throw f.failure("has unknown eventName " + eventName);
        }
        out.skip(f.where() + " " + event + " of " + describeObject(f) + ": " + why);
        return;
      }
    }
    ChangeEvent e = new ChangeEvent();
    e.format = FORMAT;
    e.store = STORE;
    e.bucket = f.requiredText("s3.bucket.name");
    e.key = decodeKey(f, "s3.object.key");
    e.kind = kind;
    if (kind != ChangeEvent.Kind.DELETED) {
      e.size = f.size("s3.object.size");
      e.etag = JsonFields.unquote(f.text("s3.object.eTag"));
    }
    e.versionId = f.text("s3.object.versionId");
    e.sequencer = f.hex("s3.object.sequencer");
    e.eventTimeMillis = f.requiredTime("eventTime");
    out.add(e);
  }

  /** The {@code s3:TestEvent} S3 sends when a notification configuration is saved. */
  static void parseTestEvent(JsonNode node, Results out) throws ParseFailure {
    JsonFields f = new JsonFields("S3 test event", node);
    String bucket = f.text("Bucket");
    out.skip(
        "S3 test event (s3:TestEvent)"
            + (bucket == null ? "" : " for bucket " + bucket)
            + ": sent when a notification configuration is saved, carries no change");
  }

  /** Decodes a URL-encoded key, as S3 notifications and EventBridge events send them. */
  static String decodeKey(JsonFields f, String path) throws ParseFailure {
    String raw = f.requiredText(path);
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw f.failure("has " + path + " '" + raw + "' that is not valid URL encoding");
    }
  }

  private static String describeObject(JsonFields f) {
    JsonNode bucket = f.at("s3.bucket.name");
    JsonNode key = f.at("s3.object.key");
    return (bucket == null ? "?" : bucket.asText()) + "/" + (key == null ? "?" : key.asText());
  }
}
