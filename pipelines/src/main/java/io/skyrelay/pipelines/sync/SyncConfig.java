package io.skyrelay.pipelines.sync;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.skyrelay.pipelines.common.ConfigYaml;
import io.skyrelay.pipelines.common.StoresFile;
import io.skyrelay.pipelines.common.YamlLines;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.sync.SyncMapping;
import io.skyrelay.transforms.values.KeyFilter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sync job's mappings file (YAML). Errors name the file, the line and the key, and say what is
 * expected. See docs/SYNC.md for the format.
 */
public final class SyncConfig {

  static final Set<String> FORMATS = Set.of("s3", "eventbridge", "eventgrid", "gcs", "auto");

  /** Kafka connection of the job. */
  public record Kafka(
      String bootstrapServers,
      String groupId,
      String deadLetterTopic,
      Map<String, String> consumer) {}

  private final Kafka kafka;
  private final List<SyncMapping> mappings;

  private SyncConfig(Kafka kafka, List<SyncMapping> mappings) {
    this.kafka = kafka;
    this.mappings = mappings;
  }

  /**
   * A configuration built by a program rather than read from a file (the gateway's replication
   * job): the mappings are taken as they are.
   */
  public static SyncConfig of(Kafka kafka, List<SyncMapping> mappings) {
    if (mappings.isEmpty()) {
      throw new IllegalArgumentException("a sync configuration needs at least one mapping");
    }
    return new SyncConfig(kafka, List.copyOf(mappings));
  }

  public Kafka kafka() {
    return kafka;
  }

  public List<SyncMapping> mappings() {
    return mappings;
  }

  /** The distinct topics of all mappings. */
  public List<String> topics() {
    return mappings.stream().map(SyncMapping::topic).distinct().toList();
  }

  // ---- the file's shape ---------------------------------------------------------------------

  static final class FileModel {
    public KafkaModel kafka;
    public List<Object> stores;
    public List<MappingModel> mappings;
  }

  static final class KafkaModel {
    @JsonProperty("bootstrap_servers")
    public String bootstrapServers;

    @JsonProperty("group_id")
    public String groupId = "skyrelay-sync";

    @JsonProperty("dead_letter_topic")
    public String deadLetterTopic = "skyrelay-dead-letters";

    public Map<String, String> consumer = Map.of();
  }

  static final class MappingModel {
    public String name;
    public String source;
    public String topic;
    public String format = "auto";
    public List<String> replicas;

    @JsonProperty("propagate_delete")
    public boolean propagateDelete = true;

    public List<String> include = List.of();
    public List<String> exclude = List.of();

    @JsonProperty("copy_metadata")
    public boolean copyMetadata = true;

    public ArchiveModel archive;
  }

  static final class ArchiveModel {
    public String store;
    public String after;

    @JsonProperty("keep_local")
    public boolean keepLocal = true;

    @JsonProperty("expire_after")
    public String expireAfter;
  }

  // ---- reading and checking -----------------------------------------------------------------

  public static SyncConfig read(Path file, Map<String, String> env) {
    ObjectMapper yaml =
        new ObjectMapper(ConfigYaml.factory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    FileModel model;
    YamlLines lines;
    try {
      lines = YamlLines.of(file);
      model = yaml.readValue(file.toFile(), FileModel.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          file
              + " line "
              + e.getLocation().getLineNr()
              + ": unknown key '"
              + e.getPropertyName()
              + "' in "
              + where(e)
              + "; known keys: "
              + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(
          file
              + " line "
              + (e.getLocation() == null ? 0 : e.getLocation().getLineNr())
              + ": "
              + where(e)
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    Checker c = new Checker(file, lines);
    if (model == null) {
      throw c.error("", "the file is empty; it needs 'kafka:' and 'mappings:'");
    }
    if (model.kafka == null || blank(model.kafka.bootstrapServers)) {
      throw c.error("kafka", "kafka.bootstrap_servers is required (for example 127.0.0.1:9092)");
    }
    if (model.mappings == null || model.mappings.isEmpty()) {
      throw c.error("mappings", "at least one mapping is required under 'mappings:'");
    }
    StoresFile stores = model.stores == null ? StoresFile.empty() : StoresFile.read(file, env);
    List<SyncMapping> mappings = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Map<String, String> formatOfTopic = new HashMap<>();
    for (int i = 0; i < model.mappings.size(); i++) {
      MappingModel m = model.mappings.get(i);
      String at = "mappings[" + i + "]";
      String name = blank(m.name) ? "mapping-" + (i + 1) : m.name;
      if (!names.add(name)) {
        throw c.error(at + ".name", "mapping name '" + name + "' is used twice");
      }
      if (blank(m.source)) {
        throw c.error(
            at, "mapping '" + name + "' needs 'source' (a store URI such as s3://bucket/prefix)");
      }
      if (blank(m.topic)) {
        throw c.error(
            at, "mapping '" + name + "' needs 'topic' (the Kafka topic of its change events)");
      }
      String format = m.format == null ? "auto" : m.format.toLowerCase(Locale.ROOT);
      if (!FORMATS.contains(format)) {
        throw c.error(at + ".format", "format '" + m.format + "' is not one of " + FORMATS);
      }
      // A topic's records are parsed once, in one format, for every mapping that reads it.
      String first = formatOfTopic.putIfAbsent(m.topic, format);
      if (first != null && !first.equals(format)) {
        throw c.error(
            at + ".format",
            "mapping '"
                + name
                + "' reads topic '"
                + m.topic
                + "' as "
                + format
                + ", but an earlier mapping reads it as "
                + first
                + "; mappings that share a topic need the same format");
      }
      if (m.replicas == null || m.replicas.isEmpty()) {
        throw c.error(at, "mapping '" + name + "' needs at least one entry under 'replicas'");
      }
      StoreLocation source = c.location(stores, m.source, at + ".source");
      List<StoreLocation> replicas = new ArrayList<>();
      for (int r = 0; r < m.replicas.size(); r++) {
        replicas.add(c.location(stores, m.replicas.get(r), at + ".replicas[" + r + "]"));
      }
      KeyFilter filter;
      try {
        filter = new KeyFilter(m.include, m.exclude);
      } catch (RuntimeException bad) {
        throw c.error(at + ".include", "bad include/exclude pattern: " + bad.getMessage());
      }
      SyncMapping.ArchivePolicy archive = null;
      if (m.archive != null) {
        if (blank(m.archive.store) || blank(m.archive.after)) {
          throw c.error(
              at + ".archive", "archive needs 'store' (a store URI) and 'after' (e.g. 30d)");
        }
        archive =
            new SyncMapping.ArchivePolicy(
                c.location(stores, m.archive.store, at + ".archive.store"),
                c.duration(m.archive.after, at + ".archive.after"),
                m.archive.keepLocal,
                m.archive.expireAfter == null
                    ? null
                    : c.duration(m.archive.expireAfter, at + ".archive.expire_after"));
      }
      mappings.add(
          new SyncMapping(
              name,
              source,
              m.topic,
              format,
              replicas,
              m.propagateDelete,
              filter,
              m.copyMetadata,
              archive));
    }
    KafkaModel k = model.kafka;
    return new SyncConfig(
        new Kafka(
            k.bootstrapServers,
            k.groupId,
            k.deadLetterTopic,
            new LinkedHashMap<>(k.consumer == null ? Map.of() : k.consumer)),
        List.copyOf(mappings));
  }

  private static String where(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.length() == 0 ? "the top level" : b.toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /** Checks values, with errors that carry the file and line of the key. */
  private record Checker(Path file, YamlLines lines) {
    IllegalArgumentException error(String path, String message) {
      return new IllegalArgumentException(
          file
              + " line "
              + lines.lineOf(path)
              + (path.isEmpty() ? "" : " (" + path + ")")
              + ": "
              + message);
    }

    StoreLocation location(StoresFile stores, String uri, String path) {
      try {
        return stores.locate(uri, null);
      } catch (RuntimeException e) {
        throw error(path, e.getMessage());
      }
    }

    Duration duration(String text, String path) {
      Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      try {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw error(
            path, "'" + text + "' is not a duration; write it like 30d, 12h, 15m, 10s or PT10S");
      }
    }
  }
}
