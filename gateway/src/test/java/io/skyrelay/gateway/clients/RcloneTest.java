package io.skyrelay.gateway.clients;

import static io.skyrelay.gateway.clients.ClientGateway.WEST;
import static io.skyrelay.gateway.clients.ClientGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rclone (Debian's package) against the demo's gateway: remote {@code east} and remote {@code west}
 * are the two regions' endpoints.
 */
class RcloneTest {

  static final String RCLONE = "/usr/bin/rclone";

  @TempDir static Path dir;
  private static ClientGateway gw;
  private static ClientProcess rclone;
  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    ClientProcess.require(RCLONE, "rclone");
    gw = ClientGateway.start(dir.resolve("gateway"));
    Path home = dir.resolve("rclone-home");
    Files.createDirectories(home);
    config = home.resolve("rclone.conf");
    StringBuilder conf = new StringBuilder();
    for (String[] remote :
        List.of(
            new String[] {"east", gw.east().toString()},
            new String[] {"west", gw.west().toString()})) {
      conf.append("[")
          .append(remote[0])
          .append("]\n")
          .append("type = s3\nprovider = Other\nenv_auth = false\n")
          .append("access_key_id = ")
          .append(gw.keyId())
          .append("\nsecret_access_key = ")
          .append(gw.secret())
          .append("\nendpoint = ")
          .append(remote[1])
          .append("\nregion = us-east-1\n\n");
    }
    Files.writeString(config, conf);
    // No AWS_CA_BUNDLE (this machine's breaks rclone's S3 backend): the environment is our own.
    rclone = new ClientProcess(home);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static ClientProcess.Result rclone(String... args) {
    List<String> command = new ArrayList<>(List.of(RCLONE, "--config", config.toString()));
    command.addAll(Arrays.asList(args));
    return rclone.run(command);
  }

  @Test
  void copyAFolderInThroughOneRegionAndCheckItThroughTheOther() throws Exception {
    Path src = dir.resolve("tree");
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 1_010; i++) {
      files.add(String.format("d%d/f%04d.txt", i % 4, i));
    }
    for (int i = 0; i < 11; i++) {
      files.add(String.format("top%02d.txt", i));
    }
    for (String f : files) {
      Path p = src.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "file " + f);
    }
    rclone("copy", "--transfers", "16", src.toString(), "east:demo/tree").ok();
    // rclone check compares every file's size and MD5 with what the other region serves.
    ClientProcess.Result check = rclone("check", src.toString(), "west:demo/tree").ok();
    assertTrue(check.stderr().contains("0 differences found"), check.describe("did not say so"));

    // Every key once, in order (ListObjects V1, markers).
    List<String> one =
        rclone("lsf", "-R", "--files-only", "west:demo/tree").ok().stdout().lines().toList();
    assertEquals(new TreeSet<>(files).stream().toList(), one);

    // One and two a page (ListObjectsV2) with the delimiter rclone lists a folder with.
    List<String> expected = new ArrayList<>(List.of("d0/", "d1/", "d2/", "d3/"));
    files.subList(1_010, files.size()).forEach(expected::add);
    for (String chunk : List.of("1", "2")) {
      List<String> folder =
          rclone("lsf", "--s3-list-chunk", chunk, "--s3-list-version", "2", "east:demo/tree")
              .ok()
              .stdout()
              .lines()
              .toList();
      assertEquals(expected.stream().sorted().toList(), folder.stream().sorted().toList());
      assertEquals(expected.size(), folder.size(), "each entry once: " + folder);
    }
  }

  @Test
  void copytoThroughEastReadThroughWestAndWestGetsItsCopy() throws Exception {
    byte[] data = bytes(123_456, 5);
    Path in = Files.write(rclone.home().resolve("one.bin"), data);
    rclone("copyto", in.toString(), "east:demo/rc/one.bin").ok();
    Path out = rclone.home().resolve("one-from-west.bin");
    rclone("copyto", "west:demo/rc/one.bin", out.toString()).ok();
    assertArrayEquals(data, Files.readAllBytes(out));

    gw.awaitReplicated("rc/one.bin");
    List<Path> copies = gw.copiesOf(WEST, "rc/one.bin");
    assertEquals(1, copies.size(), "one copy in west's folder: " + copies);
    assertArrayEquals(data, Files.readAllBytes(copies.get(0)));
  }

  @Test
  void aRangedCatReturnsTheBytesAsked() throws Exception {
    Path in =
        Files.writeString(rclone.home().resolve("alphabet.txt"), "abcdefghijklmnopqrstuvwxyz");
    rclone("copyto", in.toString(), "east:demo/rc/alphabet.txt").ok();
    String part =
        rclone("cat", "--offset", "10", "--count", "5", "west:demo/rc/alphabet.txt").ok().stdout();
    assertEquals("klmno", part);
  }

  @Test
  void aMultipartUploadAndAnOverwriteThatChangesTheHash() throws Exception {
    byte[] big = bytes(9 * 1024 * 1024 + 7, 6);
    Path in = Files.write(rclone.home().resolve("big.bin"), big);
    rclone(
            "copyto",
            "--s3-upload-cutoff",
            "5M",
            "--s3-chunk-size",
            "5M",
            in.toString(),
            "east:demo/rc/big.bin")
        .ok();
    Path out = rclone.home().resolve("big-from-west.bin");
    rclone("copyto", "west:demo/rc/big.bin", out.toString()).ok();
    assertArrayEquals(big, Files.readAllBytes(out));

    Path v1 = Files.writeString(rclone.home().resolve("v1.txt"), "first version");
    Path v2 = Files.writeString(rclone.home().resolve("v2.txt"), "second version");
    rclone("copyto", v1.toString(), "east:demo/rc/versioned.txt").ok();
    String md5First = rclone("md5sum", "west:demo/rc/versioned.txt").ok().stdout();
    rclone("copyto", v2.toString(), "west:demo/rc/versioned.txt").ok();
    String md5Second = rclone("md5sum", "east:demo/rc/versioned.txt").ok().stdout();
    assertNotEquals(md5First, md5Second);
    assertEquals("second version", rclone("cat", "east:demo/rc/versioned.txt").ok().stdout());
  }

  @Test
  void purgeLeavesNothingToList() throws Exception {
    Path src = dir.resolve("doomed");
    for (String f : List.of("a.txt", "b/c.txt", "b/d/e.txt")) {
      Path p = src.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    rclone("copy", src.toString(), "east:demo/doomed").ok();
    assertEquals(
        3, rclone("lsf", "-R", "--files-only", "west:demo/doomed").ok().stdout().lines().count());
    rclone("delete", "west:demo/doomed").ok();
    assertEquals("", rclone("lsf", "-R", "east:demo/doomed").ok().stdout());
  }
}
