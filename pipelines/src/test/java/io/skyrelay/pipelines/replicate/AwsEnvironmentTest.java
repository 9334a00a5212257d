package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay replicate s3://a s3://b} in a fresh process whose only configuration is the
 * standard AWS environment variables, as a user would run it.
 */
class AwsEnvironmentTest {

  @TempDir Path tmp;

  @Test
  void replicatesWithOnlyTheStandardAwsEnvironment() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.startInMemory()) {
      server.createBucket("env-src");
      server.createBucket("env-dst");
      byte[] data = "configured by the environment".getBytes(StandardCharsets.UTF_8);
      try (ObjectStore src = ObjectStores.open("s3://env-src", server.settings())) {
        for (int i = 0; i < 5; i++) {
          src.put("k" + i, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
        }
      }
      ProcessBuilder pb =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              System.getProperty("java.class.path"),
              "io.skyrelay.pipelines.SkyrelayCli",
              "replicate",
              "s3://env-src",
              "s3://env-dst",
              "--runner",
              "direct",
              "--output",
              tmp.resolve("out").toString());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("AWS_"));
      env.put("AWS_ENDPOINT_URL", server.endpoint().toString());
      env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
      env.put("AWS_REGION", "us-east-1");
      pb.redirectErrorStream(true);
      Path log = tmp.resolve("log.txt");
      pb.redirectOutput(log.toFile());
      Process p = pb.start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "replicate finished");
      String output = Files.readString(log);
      assertEquals(0, p.exitValue(), output);
      assertTrue(output.contains("copied 5"), output);
      assertFalse(output.contains(S3ProxyServer.SECRET_KEY), "the secret is never printed");
      try (ObjectStore dst = ObjectStores.open("s3://env-dst", server.settings())) {
        assertEquals(5, dst.listAllToList("").size());
        try (InputStream in = dst.read("k3", null, null)) {
          assertArrayEquals(data, in.readAllBytes());
        }
      }
    }
  }

  @Test
  void helpExplainsTheCommand() throws Exception {
    java.io.StringWriter sw = new java.io.StringWriter();
    var cl = io.skyrelay.pipelines.SkyrelayCli.commandLine();
    cl.setOut(new java.io.PrintWriter(sw));
    assertEquals(0, cl.execute("replicate", "--help"));
    for (String expected :
        List.of(
            "--dry-run",
            "--delete",
            "--max-delete",
            "--flinkMaster",
            "AWS_ENDPOINT_URL",
            "Exit status")) {
      assertTrue(sw.toString().contains(expected), expected + " in:\n" + sw);
    }
  }
}
