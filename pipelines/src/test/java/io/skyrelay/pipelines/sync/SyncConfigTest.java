package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.transforms.sync.SyncMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncConfigTest {

  @TempDir Path tmp;

  private static final String GOOD =
      """
      kafka:
        bootstrap_servers: 127.0.0.1:9092
      mappings:
        - name: photos
          source: s3://photos/originals
          topic: photo-events
          format: s3
          replicas:
            - s3://photos-eu
            - file:///backup/photos
          propagate_delete: false
          include: ["2024/", "glob:**/*.jpg"]
          exclude: ["regex:.*\\\\.tmp$"]
          archive:
            store: s3://photos-archive
            after: 30d
            keep_local: false
            expire_after: 365d
        - name: logs
          source: gs://logs
          topic: log-events
          replicas: [az://acct/logs]
      """;

  private Path write(String yaml) throws Exception {
    Path f = tmp.resolve("sync.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private IllegalArgumentException bad(String yaml) throws Exception {
    Path f = write(yaml);
    return assertThrows(IllegalArgumentException.class, () -> SyncConfig.read(f, Map.of()));
  }

  @Test
  void hugeDeeplyNestedAndAliasBombFilesAreRefusedNamingTheLimit() throws Exception {
    var files = io.skyrelay.pipelines.common.StoresFileTest.hostileYaml();
    for (int i = 0; i < files.size(); i++) {
      String message = bad(files.get(i).replace("stores:", "mappings:")).getMessage();
      String limit = io.skyrelay.pipelines.common.StoresFileTest.limitsNamed().get(i);
      assertTrue(message.contains(limit), message);
      assertTrue(message.length() < 400, message);
    }
  }

  @Test
  void mappingsThatShareATopicMustShareItsFormat() throws Exception {
    String twoOnOneTopic =
        """
        kafka:
          bootstrap_servers: 127.0.0.1:9092
        mappings:
          - name: a
            source: s3://bucket-a
            topic: shared-events
            format: s3
            replicas: [file:///tmp/a]
          - name: b
            source: s3://bucket-b
            topic: shared-events
            format: eventbridge
            replicas: [file:///tmp/b]
        """;
    IllegalArgumentException e = bad(twoOnOneTopic);
    assertTrue(e.getMessage().contains("line 12"), e.getMessage());
    assertTrue(e.getMessage().contains("mappings[1].format"), e.getMessage());
    assertTrue(e.getMessage().contains("same format"), e.getMessage());
    // the same format on a shared topic is fine
    SyncConfig ok = SyncConfig.read(write(twoOnOneTopic.replace("eventbridge", "s3")), Map.of());
    assertEquals(List.of("shared-events"), ok.topics());
  }

  @Test
  void readsAFullMappingsFile() throws Exception {
    SyncConfig c = SyncConfig.read(write(GOOD), Map.of());
    assertEquals("127.0.0.1:9092", c.kafka().bootstrapServers());
    assertEquals("skyrelay-sync", c.kafka().groupId());
    SyncMapping photos = c.mappings().get(0);
    assertEquals("originals/", photos.source().uri().prefix());
    assertEquals(2, photos.replicas().size());
    assertEquals(false, photos.propagateDelete());
    assertTrue(photos.filter().accepts("2024/a.png"));
    assertTrue(photos.filter().accepts("x/y.jpg"));
    assertEquals(false, photos.filter().accepts("x/y.png"));
    assertEquals(false, photos.filter().accepts("2024/a.tmp"));
    assertEquals(Duration.ofDays(30), photos.archive().after());
    assertEquals(Duration.ofDays(365), photos.archive().expireAfter());
    SyncMapping logs = c.mappings().get(1);
    assertEquals("auto", logs.format());
    assertEquals(true, logs.propagateDelete());
    assertNull(logs.archive());
    assertEquals(java.util.List.of("photo-events", "log-events"), c.topics());
  }

  @Test
  void anUnknownKeyIsNamedWithItsLine() throws Exception {
    IllegalArgumentException e =
        bad(GOOD.replace("propagate_delete: false", "propagate_delet: false"));
    assertTrue(e.getMessage().contains("line 11"), e.getMessage());
    assertTrue(e.getMessage().contains("'propagate_delet'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("propagate_delete"), "lists the known keys: " + e.getMessage());
  }

  @Test
  void aBadValueIsNamedWithItsLine() throws Exception {
    IllegalArgumentException uri = bad(GOOD.replace("- s3://photos-eu", "- photos-eu"));
    assertTrue(uri.getMessage().contains("line 9"), uri.getMessage());
    assertTrue(uri.getMessage().contains("mappings[0].replicas[0]"), uri.getMessage());
    assertTrue(uri.getMessage().contains("s3://bucket/prefix"), uri.getMessage());

    IllegalArgumentException format = bad(GOOD.replace("format: s3", "format: sqs"));
    assertTrue(format.getMessage().contains("line 7"), format.getMessage());
    assertTrue(format.getMessage().contains("'sqs'"), format.getMessage());

    IllegalArgumentException duration = bad(GOOD.replace("after: 30d", "after: a month"));
    assertTrue(duration.getMessage().contains("line 16"), duration.getMessage());
    assertTrue(duration.getMessage().contains("30d"), duration.getMessage());

    IllegalArgumentException flag = bad(GOOD.replace("keep_local: false", "keep_local: maybe"));
    assertTrue(flag.getMessage().contains("line 17"), flag.getMessage());
    assertTrue(flag.getMessage().contains("keep_local"), flag.getMessage());
  }

  @Test
  void missingPiecesAreNamed() throws Exception {
    IllegalArgumentException noKafka =
        bad(GOOD.replace("  bootstrap_servers: 127.0.0.1:9092\n", ""));
    assertTrue(noKafka.getMessage().contains("bootstrap_servers"), noKafka.getMessage());
    IllegalArgumentException noTopic = bad(GOOD.replace("    topic: log-events\n", ""));
    assertTrue(noTopic.getMessage().contains("'logs' needs 'topic'"), noTopic.getMessage());
    assertTrue(noTopic.getMessage().contains("line 19"), noTopic.getMessage());
  }
}
