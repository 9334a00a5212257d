package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.common.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A source whose listing names keys that would escape a local destination, or that a file name
 * cannot hold, copied into {@code file://}: each such key is refused with the reason, the rest is
 * copied, the exit status is 1, and nothing is written outside the destination folder.
 */
class ReplicateHostileKeysTest {

  @TempDir Path tmp;

  @Test
  void keysThatWouldEscapeOrHoldControlCharactersAreRefusedOneByOneAndTheRestCopies()
      throws Exception {
    Map<String, String> refusedWith = new HashMap<>();
    refusedWith.put("../escape.txt", "would leave the store root");
    refusedWith.put("a/../../escape-deeper.txt", "would leave the store root");
    refusedWith.put("/absolute.txt", "is an absolute path");
    // Control characters that an S3 listing (XML 1.0) can carry; the others are refused by the
    // local store alike (LocalObjectStoreTest), but S3Proxy cannot list them.
    refusedWith.put("tab\tkey.txt", "control character U+0009");
    refusedWith.put("new\nline.txt", "control character U+000A");
    // A backslash is part of one file name on the destination's disk: copied inside it.
    List<String> good =
        List.of("good/one.txt", "good/two.txt", "top.txt", "win\\..\\..\\inside.txt");

    try (S3ProxyServer server = S3ProxyServer.startInMemory();
        S3Client s3 = server.client()) {
      server.createBucket("hostile");
      for (String key : good) {
        s3.putObject(b -> b.bucket("hostile").key(key), RequestBody.fromString("body of " + key));
      }
      List<String> serverRefuses = new ArrayList<>();
      for (String key : List.copyOf(refusedWith.keySet())) {
        try {
          s3.putObject(b -> b.bucket("hostile").key(key), RequestBody.fromString("body of " + key));
        } catch (S3Exception refused) {
          // S3Proxy's HTTP server refuses '..' in a path itself: such keys cannot be listed here
          serverRefuses.add(key);
          refusedWith.remove(key);
        }
      }
      System.out.println("keys S3Proxy itself refuses: " + serverRefuses);
      for (String mustReachTheCopy : List.of("tab\tkey.txt", "new\nline.txt")) {
        assertTrue(refusedWith.containsKey(mustReachTheCopy), mustReachTheCopy);
      }
      TreeSet<String> listed = new TreeSet<>();
      try (ObjectStore source = ObjectStores.open("s3://hostile", server.settings())) {
        source.listAll("").forEach(o -> listed.add(o.key()));
      }
      TreeSet<String> all = new TreeSet<>(refusedWith.keySet());
      all.addAll(good);
      assertEquals(all, listed, "the source lists every hostile key as it is");

      Path stores =
          Files.writeString(
              tmp.resolve("stores.yaml"),
              "stores:\n  - uri: s3://hostile\n    endpoint: "
                  + server.endpoint()
                  + "\n    region-name: us-east-1\n    access-key-id: "
                  + S3ProxyServer.ACCESS_KEY
                  + "\n    secret-access-key: "
                  + S3ProxyServer.SECRET_KEY
                  + "\n");
      Path inside = tmp.resolve("a/b/destination");
      Path out = tmp.resolve("out");
      ReplicateExitStatusTest.Outcome o =
          new ReplicateExitStatusTest()
              .run(
                  "replicate",
                  "s3://hostile",
                  inside.toUri().toString(),
                  "--stores",
                  stores.toString(),
                  "--runner",
                  "direct",
                  "--output",
                  out.toString());

      assertEquals(ExitStatus.PARTIAL, o.status(), o.out() + o.err());
      assertFalse(
          o.out().contains("new\nline"), "keys are printed with control characters escaped");
      assertTrue(o.out().contains("new\\u000aline.txt"), o.out());
      JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
      assertEquals(good.size(), report.get("copied").asLong());
      assertEquals(refusedWith.size(), report.get("failed").asLong());
      Map<String, String> errors = new HashMap<>();
      report
          .get("failures")
          .forEach(f -> errors.put(f.get("key").asText(), f.get("error").asText()));
      assertEquals(refusedWith.keySet(), errors.keySet());
      refusedWith.forEach(
          (key, why) -> assertTrue(errors.get(key).contains(why), key + ": " + errors.get(key)));

      for (String key : good) {
        assertEquals("body of " + key, Files.readString(inside.resolve(key)), key);
      }
      try (Stream<Path> files = Files.walk(tmp)) {
        List<Path> outside =
            files
                .filter(Files::isRegularFile)
                .filter(f -> !f.startsWith(inside) && !f.startsWith(out))
                .filter(f -> !f.equals(stores))
                .toList();
        assertEquals(List.of(), outside, "nothing is written outside the destination");
      }
    }
  }
}
