package io.skyrelay.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJarsTest {

  @TempDir Path tmp;

  Path jar(String name) throws IOException {
    Path f = tmp.resolve(name);
    try (OutputStream out = Files.newOutputStream(f);
        JarOutputStream j = new JarOutputStream(out, new Manifest())) {
      j.flush();
    }
    return f;
  }

  @Test
  void shipsTheClasspathWithoutFlinkRocksDbTheDirectRunnerAndTestJars() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    Path beamFlink = jar("beam-runners-flink-1.19-2.70.0.jar");
    Path aws = jar("s3-2.31.78.jar");
    String cp =
        String.join(
            File.pathSeparator,
            classes.toString(),
            beamFlink.toString(),
            jar("flink-runtime-1.19.0.jar").toString(),
            jar("flink-shaded-guava-31.1-jre-17.0.jar").toString(),
            jar("rocksdbjni-7.9.2.jar").toString(),
            jar("beam-runners-direct-java-2.70.0.jar").toString(),
            jar("kafka_2.13-3.9.1-test.jar").toString(),
            aws.toString(),
            tmp.resolve("missing.jar").toString(),
            aws.toString());
    assertEquals(
        List.of(classes.toString(), beamFlink.toString(), aws.toString()), JobJars.forCluster(cp));
  }

  @Test
  void aManifestOnlyJarStandsForTheJarsItNames() throws IOException {
    Path a = jar("a-1.0.jar");
    Path b = jar("flink-core-1.19.0.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes()
        .put(Attributes.Name.CLASS_PATH, a.toUri().toString() + " " + b.toUri().toString());
    Path booter = tmp.resolve("booter.jar");
    try (OutputStream out = Files.newOutputStream(booter);
        JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    List<String> files = JobJars.forCluster(booter.toString());
    assertEquals(List.of(a.toString()), files);
    assertTrue(JobJars.notShipped("flink-clients-1.19.0.jar"));
  }
}
