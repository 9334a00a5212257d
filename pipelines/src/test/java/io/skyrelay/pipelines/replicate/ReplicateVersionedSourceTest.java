package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/**
 * A versioned S3 source (S3Proxy in memory keeps versions and delete markers): the current version
 * of each key is copied, non-current versions are not, and a key whose current version is a delete
 * marker counts as deleted, so {@code --delete} removes it from the destination.
 */
class ReplicateVersionedSourceTest {

  @TempDir Path tmp;

  static void put(ObjectStore s, String key, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    s.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT);
  }

  static String read(ObjectStore s, String key) throws Exception {
    try (InputStream in = s.read(key, null, null)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theCurrentVersionIsCopiedAndADeleteMarkerCountsAsDeleted() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.startInMemory()) {
      server.createBucket("versioned");
      try (S3Client c = server.client()) {
        c.putBucketVersioning(
            b ->
                b.bucket("versioned")
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      }
      Path dst = tmp.resolve("dst");
      try (ObjectStore src = ObjectStores.open("s3://versioned", server.settings());
          ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
        put(src, "kept", "first version");
        put(src, "kept", "second, current version");
        put(src, "gone", "deleted at the source");
        src.delete("gone");
        put(src, "only-old", "an object ...");
        src.delete("only-old");
        put(d, "gone", "deleted at the source");
        put(d, "kept", "first version");
      }
      try (S3Client c = server.client()) {
        ListObjectVersionsResponse v = c.listObjectVersions(b -> b.bucket("versioned"));
        assertEquals(4, v.versions().size(), "the source keeps its versions: " + v);
        assertEquals(2, v.deleteMarkers().size(), "and its delete markers: " + v);
      }
      Path stores = tmp.resolve("stores.yaml");
      Files.writeString(
          stores,
          "stores:\n  - uri: s3://versioned\n    endpoint: "
              + server.endpoint()
              + "\n    region-name: us-east-1\n    access-key-id: "
              + S3ProxyServer.ACCESS_KEY
              + "\n    secret-access-key: "
              + S3ProxyServer.SECRET_KEY
              + "\n");
      int status =
          SkyrelayCli.commandLine()
              .execute(
                  "replicate",
                  "s3://versioned/",
                  dst.toUri().toString(),
                  "--stores",
                  stores.toString(),
                  "--delete",
                  "--runner",
                  "direct",
                  "--output",
                  tmp.resolve("out").toString());
      assertEquals(ExitStatus.OK, status);
      try (ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
        assertEquals(List.of("kept"), d.listAllToList("").stream().map(ObjectInfo::key).toList());
        assertEquals("second, current version", read(d, "kept"));
      }
      JsonNode report =
          new ObjectMapper().readTree(tmp.resolve("out").resolve("report.json").toFile());
      assertEquals(1, report.get("copied").asLong(), report.toString());
      assertEquals(1, report.get("deleted").asLong(), report.toString());
    }
  }
}
