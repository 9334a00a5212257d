package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NativeDigestsTest {

  @Test
  void md5AndSha256ComeFromTheNativeProviderAndEqualTheJdks() throws Exception {
    assertTrue(NativeDigests.install(), "Conscrypt's native library should load on linux-x86_64");
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(5).nextBytes(data);
    for (String algorithm : new String[] {"MD5", "SHA-256"}) {
      MessageDigest fast = MessageDigest.getInstance(algorithm);
      assertEquals(NativeDigests.PROVIDER, fast.getProvider().getName(), algorithm);
      MessageDigest jdk = MessageDigest.getInstance(algorithm, "SUN");
      // In pieces, with a clone half-way (the S3 client clones digests), as copies feed them.
      fast.update(data, 0, 1000);
      jdk.update(data, 0, 1000);
      MessageDigest copy = (MessageDigest) fast.clone();
      fast.update(data, 1000, data.length - 1000);
      jdk.update(data, 1000, data.length - 1000);
      assertArrayEquals(jdk.digest(), fast.digest(), algorithm);
      copy.update(data, 1000, data.length - 1000);
      assertArrayEquals(MessageDigest.getInstance(algorithm, "SUN").digest(data), copy.digest());
    }
  }

  @Test
  void loadingTheConnectorsInstallsThem() {
    ObjectStores.providers();
    assertEquals(NativeDigests.PROVIDER, Digests.md5().getProvider().getName());
  }
}
