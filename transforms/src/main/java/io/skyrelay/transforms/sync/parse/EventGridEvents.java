package io.skyrelay.transforms.sync.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.transforms.values.ChangeEvent;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure Event Grid events of a storage account, in the Event Grid schema ({@code eventType}, {@code
 * topic}, {@code eventTime}) or the CloudEvents 1.0 schema ({@code type}, {@code source}, {@code
 * time}), one event or an array of them.
 *
 * <ul>
 *   <li>{@code Microsoft.Storage.BlobCreated} is CREATED, {@code BlobDeleted} is DELETED.
 *   <li>{@code BlobTierChanged} is skipped: access tiers are local to an account, like S3 storage
 *       classes, and not replicated. So are {@code AsyncOperationInitiated} (a rehydration
 *       started), {@code DirectoryCreated} (a directory holds no data), the policy and storage task
 *       summaries, and Event Grid's own subscription validation and deletion events.
 *   <li>{@code BlobRenamed}, {@code DirectoryRenamed} and {@code DirectoryDeleted} (accounts with a
 *       hierarchical namespace) fail: they change a second key or a whole prefix, which one per-key
 *       event cannot say, and skipping them would leave replicas wrong until the next
 *       reconciliation. Dead-lettered, they are visible and can be reconciled by prefix.
 *   <li>Any other type fails.
 * </ul>
 *
 * <p>The bucket is {@code account/container}: the account from the topic (or CloudEvents source)
 * {@code .../storageAccounts/<account>}, the container and blob name from the subject {@code
 * /blobServices/default/containers/<container>/blobs/<name>}. The subject carries the name as it
 * is; {@code data.url} is URL-encoded and is not used.
 */
final class EventGridEvents {

  static final String FORMAT = "eventgrid";
  static final String STORE = "az";

  private static final String STORAGE = "Microsoft.Storage.";
  private static final String SUBJECT_PREFIX = "/blobServices/default/containers/";
  private static final String BLOBS = "/blobs/";
  private static final Pattern ACCOUNT =
      Pattern.compile(".*/storageAccounts/([^/]+)/?$", Pattern.CASE_INSENSITIVE);

  private static final Map<String, String> SKIPPED =
      Map.ofEntries(
          Map.entry(
              STORAGE + "BlobTierChanged",
              "access tiers are local to an account and not replicated"),
          Map.entry(
              STORAGE + "AsyncOperationInitiated",
              "an asynchronous operation (such as a rehydration) only started"),
          Map.entry(STORAGE + "DirectoryCreated", "a directory holds no data"),
          Map.entry(STORAGE + "BlobInventoryPolicyCompleted", "a policy run summary names no blob"),
          Map.entry(STORAGE + "LifecyclePolicyCompleted", "a policy run summary names no blob"),
          Map.entry(STORAGE + "StorageTaskQueued", "a storage task summary names no blob"),
          Map.entry(STORAGE + "StorageTaskCompleted", "a storage task summary names no blob"),
          Map.entry(
              STORAGE + "StorageTaskAssignmentQueued", "a storage task summary names no blob"),
          Map.entry(
              STORAGE + "StorageTaskAssignmentCompleted", "a storage task summary names no blob"),
          Map.entry(
              "Microsoft.EventGrid.SubscriptionValidationEvent",
              "Event Grid subscription validation, carries no change"),
          Map.entry(
              "Microsoft.EventGrid.SubscriptionDeletedEvent",
              "Event Grid subscription deletion notice, carries no change"));

  private static final Map<String, String> UNSUPPORTED =
      Map.of(
          STORAGE + "BlobRenamed",
          "a rename changes two keys",
          STORAGE + "DirectoryRenamed",
          "a directory rename changes every key under it",
          STORAGE + "DirectoryDeleted",
          "a directory delete removes every key under it");

  private EventGridEvents() {}

  /** True for one event object in either schema. */
  static boolean looksLike(JsonNode node) {
    return node.isObject()
        && (node.has("specversion") || (node.path("eventType").isTextual() && node.has("subject")));
  }

  static void parse(JsonNode node, Results out) throws ParseFailure {
    if (node.isArray()) {
      if (node.isEmpty()) {
        out.skip("Event Grid array is empty");
        return;
      }
      for (int i = 0; i < node.size(); i++) {
        parseOne(node.get(i), "Event Grid event " + i, out);
      }
    } else {
      parseOne(node, "Event Grid event", out);
    }
  }

  private static void parseOne(JsonNode node, String where, Results out) throws ParseFailure {
    if (!looksLike(node)) {
      throw new ParseFailure(
          where + " is neither an Event Grid event (eventType, subject) nor a CloudEvent");
    }
    JsonFields f = new JsonFields(where, node);
    boolean cloudEvent = node.has("specversion");
    if (cloudEvent && !"1.0".equals(f.text("specversion"))) {
      throw f.failure("has CloudEvents specversion " + f.text("specversion") + "; only 1.0");
    }
    String typeField = cloudEvent ? "type" : "eventType";
    String topicField = cloudEvent ? "source" : "topic";
    String timeField = cloudEvent ? "time" : "eventTime";
    String type = f.requiredText(typeField);
    ChangeEvent.Kind kind;
    switch (type) {
      case STORAGE + "BlobCreated" -> kind = ChangeEvent.Kind.CREATED;
      case STORAGE + "BlobDeleted" -> kind = ChangeEvent.Kind.DELETED;
      default -> {
        if (SKIPPED.containsKey(type)) {
          out.skip(where + " " + type + about(f) + ": " + SKIPPED.get(type));
          return;
        }
        if (UNSUPPORTED.containsKey(type)) {
          throw f.failure(
              "is "
                  + type
                  + about(f)
                  + ", which is not supported: "
                  + UNSUPPORTED.get(type)
                  + " and a change event names one; reconcile the prefix");
        }
        throw f.failure("has unknown " + (cloudEvent ? "CloudEvents type " : "eventType ") + type);
      }
    }
    String topic = f.requiredText(topicField);
    Matcher account = ACCOUNT.matcher(topic);
    if (!account.matches()) {
      throw f.failure(
          "has " + topicField + " '" + topic + "' that names no .../storageAccounts/<account>");
    }
    String subject = f.requiredText("subject");
    int blobs = subject.indexOf(BLOBS, SUBJECT_PREFIX.length());
    if (!subject.startsWith(SUBJECT_PREFIX)
        || blobs <= SUBJECT_PREFIX.length()
        || blobs + BLOBS.length() == subject.length()) {
      throw f.failure(
          "has subject '"
              + subject
              + "', expected /blobServices/default/containers/<container>/blobs/<name>");
    }
    f.requiredObject("data");
    ChangeEvent e = new ChangeEvent();
    e.format = FORMAT;
    e.store = STORE;
    // Account names are lower case; resource ids, being case-insensitive, need not be.
    e.bucket =
        account.group(1).toLowerCase(Locale.ROOT)
            + "/"
            + subject.substring(SUBJECT_PREFIX.length(), blobs);
    e.key = subject.substring(blobs + BLOBS.length());
    e.kind = kind;
    if (kind != ChangeEvent.Kind.DELETED) {
      e.size = f.size("data.contentLength");
      e.etag = JsonFields.unquote(f.text("data.eTag"));
    }
    e.sequencer = f.hex("data.sequencer");
    e.contentType = f.text("data.contentType");
    e.eventTimeMillis = f.requiredTime(timeField);
    out.add(e);
  }

  private static String about(JsonFields f) throws ParseFailure {
    String subject = f.text("subject");
    return subject == null ? "" : " (" + subject + ")";
  }
}
