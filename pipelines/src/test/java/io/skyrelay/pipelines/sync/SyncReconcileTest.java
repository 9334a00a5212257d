package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay sync --reconcile}: the batch diff repairs a replica within the mapping's keys.
 */
class SyncReconcileTest {

  @TempDir Path tmp;

  private static void put(LocalObjectStore store, String key, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    store.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT);
  }

  private static String read(LocalObjectStore store, String key) throws IOException {
    try (InputStream in = store.read(key, null, null)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void repairsTheKeysTheMappingSyncsAndLeavesExcludedKeysAlone() throws Exception {
    Path src = tmp.resolve("source");
    Path dst = tmp.resolve("replica");
    LocalObjectStore source = new LocalObjectStore(src);
    LocalObjectStore replica = new LocalObjectStore(dst);
    put(source, "photos/a.jpg", "a");
    put(source, "photos/b.jpg", "b, new");
    put(source, "photos/upload.tmp", "partial upload");
    put(source, "private/secret.jpg", "secret");
    put(replica, "photos/b.jpg", "b, old");
    put(replica, "photos/gone.jpg", "deleted at the source, notification lost");
    put(replica, "private/kept.jpg", "only at the replica, outside the mapping");
    put(replica, "notes.tmp", "only at the replica, excluded by pattern");
    Path cfg = tmp.resolve("sync.yaml");
    Files.writeString(
        cfg,
        """
        kafka:
          bootstrap_servers: 127.0.0.1:9
        mappings:
          - name: photos
            source: %s
            topic: photo-events
            replicas: ["%s"]
            propagate_delete: true
            exclude: ["private/", 'regex:.*\\.tmp$']
        """
            .formatted(src.toUri(), dst.toUri()));

    int code =
        SkyrelayCli.commandLine()
            .execute("sync", "--config", cfg.toString(), "--reconcile", "--runner", "direct");

    assertEquals(ExitStatus.OK, code);
    List<String> keys = new ArrayList<>();
    replica.listAll("").forEach(o -> keys.add(o.key()));
    assertEquals(
        List.of("notes.tmp", "photos/a.jpg", "photos/b.jpg", "private/kept.jpg"),
        keys.stream().sorted().toList(),
        "copied and deleted within the mapping's keys only");
    assertEquals("a", read(replica, "photos/a.jpg"));
    assertEquals("b, new", read(replica, "photos/b.jpg"));
  }
}
