package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

/** The worked example of docs/SYNC.md is a mappings file that the sync job accepts as described. */
class SyncDocExampleTest {

  /** Maven runs a module's tests in the module's folder. */
  private static final Path DOC = Path.of("..", "docs", "SYNC.md");

  /** The example's secrets come from the environment; any value will do here. */
  private static final Map<String, String> ENV =
      Map.of(
          "PHOTOS_SECRET", "doc-example-photos-secret",
          "LOGS_AZURE_CONN", "doc-example-azure-connection");

  @TempDir Path tmp;

  /** The first fenced yaml block of the document. */
  private static String exampleYaml(String doc) {
    int open = doc.indexOf("```yaml\n");
    assertTrue(open >= 0, DOC + " has no ```yaml block");
    int start = open + "```yaml\n".length();
    int end = doc.indexOf("\n```", start);
    assertTrue(end > start, DOC + ": the ```yaml block is not closed");
    return doc.substring(start, end + 1);
  }

  private Path write(String yaml) throws Exception {
    Path f = tmp.resolve("sync.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void theWorkedExampleParsesAsTheDocumentSays() throws Exception {
    SyncConfig c = SyncConfig.read(write(exampleYaml(Files.readString(DOC))), ENV);

    assertEquals("127.0.0.1:9092", c.kafka().bootstrapServers());
    assertEquals("skyrelay-sync-main", c.kafka().groupId());
    assertEquals("sync-dead-letters", c.kafka().deadLetterTopic());
    assertEquals("500", c.kafka().consumer().get("max.poll.records"));
    assertEquals(2, c.mappings().size());
    assertEquals(List.of("photo-events", "blob-events"), c.topics());

    SyncMapping photos = c.mappings().get(0);
    assertEquals("photos", photos.name());
    assertEquals("s3", photos.format());
    assertEquals("originals/", photos.source().uri().prefix());
    assertEquals("aws:us-east-1", photos.source().region());
    assertEquals(2, photos.replicas().size());
    assertEquals("file", photos.replicas().get(1).uri().scheme());
    assertFalse(photos.propagateDelete());
    assertTrue(photos.copyMetadata());
    assertTrue(photos.filter().accepts("albums/2024/a.jpg"));
    assertTrue(photos.filter().accepts("load/key-7"));
    assertFalse(photos.filter().accepts("albums/private/a.jpg"));
    assertFalse(photos.filter().accepts("albums/x.tmp"));
    assertFalse(photos.filter().accepts("albums/x.part"));
    assertFalse(photos.filter().accepts("misc/a.jpg"));
    SyncMapping.ArchivePolicy archive = photos.archive();
    assertNotNull(archive);
    assertEquals("photos-archive", archive.store().uri().container());
    assertEquals(Duration.ofDays(30), archive.after());
    assertFalse(archive.keepLocal());
    assertEquals(Duration.ofDays(365), archive.expireAfter());

    SyncMapping logs = c.mappings().get(1);
    assertEquals("app-logs", logs.name());
    assertEquals("eventgrid", logs.format());
    assertEquals("azure:westeurope", logs.source().region());
    assertTrue(logs.propagateDelete());
    assertNull(logs.archive());
  }

  @Test
  void theErrorShownInTheDocumentIsTheOneTheCodeGives() throws Exception {
    String doc = Files.readString(DOC);
    String yaml = exampleYaml(doc);
    assertTrue(yaml.contains("after: 30d"), "the example archives after 30d");
    Path f = write(yaml.replace("after: 30d", "after: a month"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SyncConfig.read(f, ENV));
    String shown = "skyrelay: " + e.getMessage().replace(f.toString(), "sync.yaml");
    assertTrue(doc.contains(shown), DOC + " should show the error as the code gives it: " + shown);
  }
}
