package io.skyrelay.pipelines.common;

import io.skyrelay.cluster.FlinkRest;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The one jar a job on a Flink cluster runs from: the jars of {@link JobJars#forCluster()} and the
 * class folders of this program, flattened into one jar (as the {@code job-jar} build profile's
 * shade does: service files merged, signatures and module descriptors left out, the first of two
 * equal names kept, as on a classpath). It is named by a hash of its contents, so a cluster that
 * has it already ({@code GET /jars}) is not sent it again, and it is built once per version of the
 * program into a cache folder.
 */
public final class JobJarCache {

  /** The class {@code POST /jars/:id/run} starts in the JobManager by default. */
  static final String MAIN_CLASS = "io.skyrelay.pipelines.ClusterEntryPoint";

  private static final String PREFIX = "skyrelay-job-";
  private static final String FORMAT = "skyrelay job jar 1\n";

  private final Path dir;

  /** A cache in {@code dir}, created when first used. */
  public JobJarCache(Path dir) {
    this.dir = dir;
  }

  /**
   * The user's cache: {@code $SKYRELAY_CACHE} (or the system property {@code skyrelay.cache}), else
   * {@code $XDG_CACHE_HOME/skyrelay}, else {@code ~/.cache/skyrelay}; the jars go to its {@code
   * job-jars} folder.
   */
  public static JobJarCache user() {
    String own = System.getProperty("skyrelay.cache", System.getenv("SKYRELAY_CACHE"));
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path root =
        own != null && !own.isBlank()
            ? Path.of(own)
            : xdg != null && !xdg.isBlank()
                ? Path.of(xdg, "skyrelay")
                : Path.of(System.getProperty("user.home"), ".cache", "skyrelay");
    return new JobJarCache(root.resolve("job-jars"));
  }

  /**
   * The id of the job jar of this program on the cluster behind {@code rest}: the one uploaded
   * already when the cluster has a jar of the same contents, else uploaded now (and built first
   * when this cache has no such jar yet).
   */
  public String uploadedTo(FlinkRest rest, PrintStream out) throws IOException {
    return uploadedTo(rest, JobJars.forCluster(), out);
  }

  String uploadedTo(FlinkRest rest, List<String> entries, PrintStream out) throws IOException {
    String hash = contentHash(entries);
    String name = PREFIX + hash + ".jar";
    for (FlinkRest.UploadedJar j : rest.jars()) {
      if (j.name().equals(name)) {
        return j.id();
      }
    }
    Path jar = build(entries, hash);
    out.printf(
        "uploading the job's jar to the cluster (%d MB, once for this version of skyrelay)%n",
        Files.size(jar) >> 20);
    return rest.uploadJar(jar);
  }

  /** The job jar of {@code entries}, built unless the cache has it. */
  Path build(List<String> entries, String hash) throws IOException {
    Path jar = dir.resolve(PREFIX + hash + ".jar");
    if (Files.isRegularFile(jar)) {
      return jar;
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, PREFIX, ".tmp");
    try {
      flatten(entries, tmp);
      Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return jar;
  }

  /**
   * A hash of the contents of {@code entries} in their order (a jar's bytes; a folder's files by
   * relative name). A jar's own hash is kept in the cache, by path, size and modification time, so
   * an unchanged classpath is not read again at every submission.
   */
  String contentHash(List<String> entries) throws IOException {
    Path index = dir.resolve("digests.properties");
    Properties known = new Properties();
    if (Files.isRegularFile(index)) {
      try (InputStream in = Files.newInputStream(index)) {
        known.load(in);
      } catch (IllegalArgumentException corrupt) {
        known.clear();
      }
    }
    boolean changed = false;
    MessageDigest all = sha256();
    all.update(FORMAT.getBytes(StandardCharsets.UTF_8));
    for (String e : entries) {
      Path p = Path.of(e);
      String digest;
      if (Files.isDirectory(p)) {
        digest = folderDigest(p);
      } else {
        String key = p.toAbsolutePath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p);
        digest = known.getProperty(key);
        if (digest == null) {
          digest = fileDigest(p);
          known.setProperty(key, digest);
          changed = true;
        }
      }
      all.update((digest + "\n").getBytes(StandardCharsets.UTF_8));
    }
    if (changed) {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "digests", ".tmp");
      try (var o = Files.newOutputStream(tmp)) {
        known.store(o, "SHA-256 of jars by path|size|modified");
      }
      Files.move(tmp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return HexFormat.of().formatHex(all.digest(), 0, 12);
  }

  private static String folderDigest(Path folder) throws IOException {
    MessageDigest d = sha256();
    for (Path f : files(folder)) {
      d.update(relativeName(folder, f).getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(fileDigest(f).getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static String fileDigest(Path file) throws IOException {
    MessageDigest d = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile)
          .sorted((a, b) -> relativeName(folder, a).compareTo(relativeName(folder, b)))
          .toList();
    }
  }

  private static String relativeName(Path folder, Path file) {
    return folder.relativize(file).toString().replace('\\', '/');
  }

  /**
   * Writes the entries' classes and resources into one jar, compressed at the fastest level: the
   * jar is written once per version of the program, and its size matters less than the time.
   */
  static void flatten(List<String> entries, Path target) throws IOException {
    Set<String> written = new HashSet<>();
    Map<String, ByteArrayOutputStream> services = new LinkedHashMap<>();
    try (ZipOutputStream out =
        new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(target), 1 << 16))) {
      out.setLevel(Deflater.BEST_SPEED);
      out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      out.write(
          ("Manifest-Version: 1.0\r\nMain-Class: "
                  + MAIN_CLASS
                  + "\r\nMulti-Release: true\r\nCreated-By: skyrelay\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      written.add("META-INF/MANIFEST.MF");
      for (String e : entries) {
        Path p = Path.of(e);
        if (Files.isDirectory(p)) {
          for (Path f : files(p)) {
            String name = relativeName(p, f);
            if (skipped(name)) {
              continue;
            }
            if (isService(name)) {
              appendService(services, name, Files.readAllBytes(f));
            } else if (written.add(name)) {
              ZipEntry z = new ZipEntry(name);
              z.setTime(Files.getLastModifiedTime(f).toMillis());
              out.putNextEntry(z);
              Files.copy(f, out);
              out.closeEntry();
            }
          }
        } else if (e.endsWith(".jar")) {
          try (ZipFile zip = new ZipFile(p.toFile())) {
            for (ZipEntry z : java.util.Collections.list(zip.entries())) {
              String name = z.getName();
              if (skipped(name)) {
                continue;
              }
              if (isService(name)) {
                try (InputStream in = zip.getInputStream(z)) {
                  appendService(services, name, in.readAllBytes());
                }
              } else if (written.add(name)) {
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(z.getTime());
                out.putNextEntry(copy);
                if (!z.isDirectory()) {
                  try (InputStream in = zip.getInputStream(z)) {
                    in.transferTo(out);
                  }
                }
                out.closeEntry();
              }
            }
          }
        }
      }
      for (Map.Entry<String, ByteArrayOutputStream> s : services.entrySet()) {
        out.putNextEntry(new ZipEntry(s.getKey()));
        s.getValue().writeTo(out);
        out.closeEntry();
      }
    }
  }

  private static boolean skipped(String name) {
    String upper = name.toUpperCase(java.util.Locale.ROOT);
    return upper.equals("META-INF/MANIFEST.MF")
        || upper.equals("META-INF/INDEX.LIST")
        || (upper.startsWith("META-INF/")
            && upper.indexOf('/', 9) < 0
            && (upper.endsWith(".SF")
                || upper.endsWith(".DSA")
                || upper.endsWith(".RSA")
                || upper.endsWith(".EC")))
        || name.equals("module-info.class")
        || (name.startsWith("META-INF/versions/") && name.endsWith("/module-info.class"));
  }

  private static boolean isService(String name) {
    return name.startsWith("META-INF/services/")
        && name.length() > "META-INF/services/".length()
        && name.indexOf('/', "META-INF/services/".length()) < 0;
  }

  private static void appendService(
      Map<String, ByteArrayOutputStream> services, String name, byte[] content) {
    ByteArrayOutputStream b = services.computeIfAbsent(name, k -> new ByteArrayOutputStream());
    b.writeBytes(content);
    if (content.length > 0 && content[content.length - 1] != '\n') {
      b.write('\n');
    }
  }
}
