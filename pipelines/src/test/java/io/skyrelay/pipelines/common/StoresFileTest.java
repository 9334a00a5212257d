package io.skyrelay.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresFileTest {

  @TempDir Path tmp;

  private static final String GOOD =
      """
      stores:
        - uri: s3://photos
          region: aws:us-east-1
          endpoint: http://127.0.0.1:9000
          secret-access-key: ${env:PHOTOS_SECRET}
        - uri: file:///backup
      """;

  private String error(String yaml, Map<String, String> env) throws Exception {
    Path f = tmp.resolve("stores.yaml");
    Files.writeString(f, yaml);
    return assertThrows(IllegalArgumentException.class, () -> StoresFile.read(f, env)).getMessage();
  }

  @Test
  void errorsNameTheLineAndTheKey() throws Exception {
    String unknown = error(GOOD.replace("endpoint:", "end-point:"), Map.of("PHOTOS_SECRET", "x"));
    assertTrue(unknown.contains("line 4 (stores[0].end-point)"), unknown);
    assertTrue(unknown.contains("known keys: uri, region"), unknown);

    String unset = error(GOOD, Map.of());
    assertTrue(unset.contains("line 5 (stores[0].secret-access-key)"), unset);
    assertTrue(unset.contains("PHOTOS_SECRET, which is not set"), unset);

    String badUri =
        error(GOOD.replace("file:///backup", "nfs://backup"), Map.of("PHOTOS_SECRET", "x"));
    assertTrue(badUri.contains("line 6 (stores[1].uri)"), badUri);

    String noUri =
        error(
            GOOD.replace("- uri: file:///backup", "- region: local:x"),
            Map.of("PHOTOS_SECRET", "x"));
    assertTrue(noUri.contains("line 6 (stores[1]) has no 'uri'"), noUri);
  }

  @Test
  void aGoodFileIsRead() throws Exception {
    Path f = tmp.resolve("stores.yaml");
    Files.writeString(f, GOOD);
    StoresFile stores = StoresFile.read(f, Map.of("PHOTOS_SECRET", "s3cr3t"));
    assertEquals("aws:us-east-1", stores.locate("s3://photos/a", "local:default").region());
  }
}
