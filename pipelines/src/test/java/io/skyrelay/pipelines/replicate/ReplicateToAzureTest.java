package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.azure.AzuriteServer;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code skyrelay replicate} from S3Proxy to Azurite, with chunked uploads, on embedded Flink. */
class ReplicateToAzureTest {

  @TempDir Path tmp;

  @Test
  void copiesSmallAndChunkedObjectsFromS3ToAzureWithMetadata() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.startInMemory();
        AzuriteServer azure = AzuriteServer.start()) {
      s3.createBucket("to-azure");
      azure.createContainer("replica");
      Map<String, byte[]> data = new TreeMap<>();
      Random r = new Random(5);
      try (ObjectStore src = ObjectStores.open("s3://to-azure", s3.settings())) {
        for (int i = 0; i < 40; i++) {
          byte[] v = new byte[100 + r.nextInt(30_000)];
          r.nextBytes(v);
          src.put(
              "small/" + i,
              new ByteArrayInputStream(v),
              v.length,
              PutOptions.of("text/csv", Map.of("row-count", "" + i)));
          data.put("small/" + i, v);
        }
        byte[] big = new byte[(11 << 20) + 7];
        r.nextBytes(big);
        src.put("big.bin", new ByteArrayInputStream(big), big.length, PutOptions.DEFAULT);
        data.put("big.bin", big);
      }
      Path stores = tmp.resolve("stores.yaml");
      Files.writeString(
          stores,
          "stores:\n"
              + "  - uri: s3://to-azure\n    region: aws:us-east-1\n    endpoint: "
              + s3.endpoint()
              + "\n    region-name: us-east-1\n    access-key-id: "
              + S3ProxyServer.ACCESS_KEY
              + "\n    secret-access-key: "
              + S3ProxyServer.SECRET_KEY
              + "\n"
              + "  - uri: az://"
              + AzuriteServer.ACCOUNT
              + "/replica\n    region: azure:westeurope\n"
              + "    connection-string: \""
              + azure.connectionString()
              + "\"\n");
      Path out = tmp.resolve("out");
      int code =
          SkyrelayCli.commandLine()
              .execute(
                  "replicate",
                  "s3://to-azure",
                  "az://" + AzuriteServer.ACCOUNT + "/replica/copy",
                  "--stores",
                  stores.toString(),
                  "--chunk-size",
                  "4MiB",
                  "--output",
                  out.toString());
      assertEquals(0, code);
      try (ObjectStore dst =
          ObjectStores.open("az://" + AzuriteServer.ACCOUNT + "/replica", azure.settings())) {
        Map<String, byte[]> copied = new TreeMap<>();
        for (ObjectInfo o : dst.listAll("copy/")) {
          try (InputStream in = dst.read(o.key(), null, null)) {
            copied.put(o.key().substring("copy/".length()), in.readAllBytes());
          }
        }
        assertEquals(data.keySet(), copied.keySet());
        data.forEach((k, v) -> assertArrayEquals(v, copied.get(k), k));
        ObjectInfo head = dst.head("copy/small/7");
        assertEquals("text/csv", head.contentType());
        assertEquals("7", head.metadata().get("row-count"));
      }
      var report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
      assertEquals(41, report.get("copied").asLong());
      assertEquals(0, report.get("failed").asLong());
    }
  }
}
