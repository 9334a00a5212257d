package io.skyrelay.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJarCacheTest {

  @TempDir Path tmp;

  Path jar(String name, Map<String, String> entries) throws IOException {
    Path f = tmp.resolve(name);
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return f;
  }

  static String read(JarFile j, String name) throws IOException {
    ZipEntry e = j.getEntry(name);
    if (e == null) {
      return null;
    }
    try (InputStream in = j.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void flattensAsAClasspathWithServicesMergedAndSignaturesLeftOut() throws IOException {
    Path a =
        jar(
            "a.jar",
            Map.of(
                "x/One.class", "one from a",
                "META-INF/services/x.Spi", "x.FromA",
                "META-INF/SIGNER.SF", "signature",
                "module-info.class", "module a"));
    Path b =
        jar("b.jar", Map.of("x/One.class", "one from b", "META-INF/services/x.Spi", "x.FromB\n"));
    Path classes = Files.createDirectories(tmp.resolve("classes/y"));
    Files.writeString(classes.resolve("Two.class"), "two");
    List<String> entries = List.of(a.toString(), b.toString(), tmp.resolve("classes").toString());
    JobJarCache cache = new JobJarCache(tmp.resolve("cache"));
    String hash = cache.contentHash(entries);
    Path built = cache.build(entries, hash);
    try (JarFile j = new JarFile(built.toFile())) {
      assertEquals("one from a", read(j, "x/One.class"), "the first on the classpath wins");
      assertEquals("two", read(j, "y/Two.class"));
      assertEquals("x.FromA\nx.FromB\n", read(j, "META-INF/services/x.Spi"));
      assertNull(read(j, "META-INF/SIGNER.SF"));
      assertNull(read(j, "module-info.class"));
      assertEquals(
          JobJarCache.MAIN_CLASS, j.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    // Built once: a second build of the same contents is the same file.
    assertEquals(built, cache.build(entries, cache.contentHash(entries)));
  }

  @Test
  void theNameFollowsTheContentsNotThePaths() throws IOException {
    Path a = jar("a.jar", Map.of("x/One.class", "one"));
    Path copy = Files.copy(a, tmp.resolve("elsewhere.jar"));
    JobJarCache cache = new JobJarCache(tmp.resolve("cache"));
    String hash = cache.contentHash(List.of(a.toString()));
    assertEquals(hash, cache.contentHash(List.of(copy.toString())));
    Path changed = jar("a2.jar", Map.of("x/One.class", "one, changed"));
    assertNotEquals(hash, cache.contentHash(List.of(changed.toString())));
  }
}
