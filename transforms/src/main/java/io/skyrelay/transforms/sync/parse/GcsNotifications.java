package io.skyrelay.transforms.sync.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.transforms.values.ChangeEvent;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Google Cloud Storage Pub/Sub notifications: the attributes (eventType, bucketId, objectId,
 * objectGeneration, eventTime, overwrittenByGeneration, overwroteGeneration, payloadFormat) and the
 * object resource as payload (payload format {@code JSON_API_V1}) or no payload ({@code NONE}).
 *
 * <ul>
 *   <li>{@code OBJECT_FINALIZE} is CREATED.
 *   <li>{@code OBJECT_DELETE} is DELETED: the generation is gone for good. When the delete is the
 *       side effect of an overwrite it carries {@code overwrittenByGeneration}, and ordering by
 *       generation makes it older than the finalize of the newer generation.
 *   <li>{@code OBJECT_ARCHIVE} is DELETED too: in a bucket with versioning, the live generation
 *       became non-current, so readers that do not name a generation no longer see it, which is
 *       what a replica must show. If a newer generation replaced it, the attributes say which
 *       ({@code overwrittenByGeneration}) and its finalize outranks this event.
 *   <li>{@code OBJECT_METADATA_UPDATE} is METADATA_UPDATED, ordered by {@code
 *       generation.metageneration}. The metageneration is only in the object resource, so such an
 *       event without a payload (payload format NONE) fails rather than be ordered wrongly.
 * </ul>
 *
 * <p>The ETag and the sequencer are the generation (the GCS connector reports the generation as the
 * ETag); size and content type come from the object resource, when there is one.
 */
final class GcsNotifications {

  static final String FORMAT = "gcs";
  static final String STORE = "gs";

  private GcsNotifications() {}

  /** True when Kafka headers carry the Pub/Sub attributes of a GCS notification. */
  static boolean hasAttributes(Map<String, String> headers) {
    return headers.containsKey("eventType")
        && headers.containsKey("bucketId")
        && headers.containsKey("objectId");
  }

  /** True for a wrapped Pub/Sub message, or a push envelope holding one. */
  static boolean looksWrapped(JsonNode node) {
    JsonNode message = node.has("message") ? node.get("message") : node;
    return message.isObject() && message.path("attributes").isObject();
  }

  /** Attributes delivered as Kafka headers, the payload as the record's value. */
  static void parseHeaders(Map<String, String> headers, byte[] value, Results out)
      throws ParseFailure {
    JsonNode resource = isBlank(value) ? null : Json.read(value, "GCS payload is not JSON");
    parse(headers, resource, "GCS notification", out);
  }

  /** {@code {"data": base64, "attributes": {...}}}, or a push {@code {"message": {...}}}. */
  static void parseWrapped(JsonNode node, Results out) throws ParseFailure {
    boolean push = node.has("message");
    String where = push ? "GCS push message" : "GCS Pub/Sub message";
    JsonFields f = new JsonFields(where, push ? node.get("message") : node);
    JsonNode attributesNode = f.requiredObject("attributes");
    Map<String, String> attributes = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = attributesNode.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> a = it.next();
      if (!a.getValue().isTextual()) {
        throw f.failure(
            "has attribute "
                + a.getKey()
                + " of type "
                + JsonFields.typeOf(a.getValue())
                + "; Pub/Sub attributes are strings");
      }
      attributes.put(a.getKey(), a.getValue().textValue());
    }
    String data = f.text("data");
    JsonNode resource = null;
    if (data != null) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(data.trim());
      } catch (IllegalArgumentException e) {
        throw f.failure("has data that is not valid base64: " + e.getMessage());
      }
      if (!isBlank(bytes)) {
        resource = Json.read(bytes, where + " data is not JSON");
      }
    }
    parse(attributes, resource, where, out);
  }

  private static void parse(
      Map<String, String> attributes, JsonNode resource, String where, Results out)
      throws ParseFailure {
    String eventType = required(attributes, "eventType", where);
    ChangeEvent.Kind kind =
        switch (eventType) {
          case "OBJECT_FINALIZE" -> ChangeEvent.Kind.CREATED;
          case "OBJECT_DELETE", "OBJECT_ARCHIVE" -> ChangeEvent.Kind.DELETED;
          case "OBJECT_METADATA_UPDATE" -> ChangeEvent.Kind.METADATA_UPDATED;
          default -> throw new ParseFailure(where + " has unknown eventType " + eventType);
        };
    String bucket = required(attributes, "bucketId", where);
    String key = required(attributes, "objectId", where);
    String payloadFormat = attributes.get("payloadFormat");
    if (resource == null && "JSON_API_V1".equals(payloadFormat)) {
      throw new ParseFailure(
          where + " has payloadFormat JSON_API_V1 but no object resource as payload");
    }
    JsonFields r = null;
    if (resource != null) {
      if (!resource.isObject()) {
        throw new ParseFailure(
            where
                + " has a payload of type "
                + JsonFields.typeOf(resource)
                + ", expected the object resource");
      }
      r = new JsonFields(where + " payload", resource);
      mustAgree(r, "bucket", bucket, "bucketId", where);
      mustAgree(r, "name", key, "objectId", where);
    }
    String generation = attributes.get("objectGeneration");
    if (generation == null && r != null) {
      generation = r.text("generation");
    }
    if (generation == null) {
      throw new ParseFailure(where + " has no objectGeneration attribute and no payload");
    }
    decimal(generation, "objectGeneration", where);
    if (r != null) {
      mustAgree(r, "generation", generation, "objectGeneration", where);
    }
    ChangeEvent e = new ChangeEvent();
    e.format = FORMAT;
    e.store = STORE;
    e.bucket = bucket;
    e.key = key;
    e.kind = kind;
    e.etag = generation;
    e.sequencer = generation;
    if (kind == ChangeEvent.Kind.METADATA_UPDATED) {
      String metageneration = r == null ? null : r.text("metageneration");
      if (metageneration == null) {
        throw new ParseFailure(
            where
                + " is an OBJECT_METADATA_UPDATE without the object resource's metageneration"
                + " (payload format "
                + payloadFormat
                + "), so it cannot be ordered; use payload format JSON_API_V1");
      }
      decimal(metageneration, "metageneration", where + " payload");
      e.sequencer = generation + "." + metageneration;
    }
    if (r != null) {
      e.size = r.size("size");
      e.contentType = r.text("contentType");
    }
    String overwrittenBy = attributes.get("overwrittenByGeneration");
    if (overwrittenBy != null) {
      decimal(overwrittenBy, "overwrittenByGeneration", where);
      e.overwrittenByGeneration = overwrittenBy;
    }
    e.eventTimeMillis =
        JsonFields.epochMillis(where, "eventTime", required(attributes, "eventTime", where));
    out.add(e);
  }

  private static String required(Map<String, String> attributes, String name, String where)
      throws ParseFailure {
    String value = attributes.get(name);
    if (value == null || value.isEmpty()) {
      throw new ParseFailure(where + " has no attribute " + name);
    }
    return value;
  }

  private static void decimal(String value, String name, String where) throws ParseFailure {
    if (!JsonFields.isDecimal(value)) {
      throw new ParseFailure(where + " has " + name + " '" + value + "' that is not a number");
    }
  }

  /** The resource, when it names a field, must say what the attributes say. */
  private static void mustAgree(
      JsonFields resource, String field, String expected, String attribute, String where)
      throws ParseFailure {
    String actual = resource.text(field);
    if (actual != null && !actual.equals(expected)) {
      throw new ParseFailure(
          where
              + " has attribute "
              + attribute
              + " '"
              + expected
              + "' but its payload has "
              + field
              + " '"
              + actual
              + "'");
    }
  }

  static boolean isBlank(byte[] value) {
    for (byte b : value) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
