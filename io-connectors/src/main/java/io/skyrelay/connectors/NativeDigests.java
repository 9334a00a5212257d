package io.skyrelay.connectors;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts native MD5 and SHA-256 (BoringSSL, through Conscrypt) ahead of the JDK's Java versions, for
 * this JVM. Every byte a copy moves is hashed at least twice: MD5 to check what the destination
 * stored, and SHA-256 where the S3 client signs the payload (plain-HTTP endpoints). The JDK's
 * versions are fast only once the optimising JIT has compiled them; the native ones are fast from
 * the first byte, which is what a short job on a small machine needs. Only message digests are
 * provided: TLS, signatures and MACs stay with the JDK. Without Conscrypt's native library for this
 * platform, or with {@code -Dskyrelay.jdkDigests=true}, nothing changes.
 */
public final class NativeDigests {

  /** The provider's name, as {@code MessageDigest.getProvider().getName()} reports it. */
  public static final String PROVIDER = "SkyrelayNativeDigests";

  private static final Logger LOG = LoggerFactory.getLogger(NativeDigests.class);
  private static final List<String> ALGORITHMS = List.of("MD5", "SHA-256");
  private static Boolean installed;

  private NativeDigests() {}

  /**
   * Starts {@link #install} on a daemon thread of its own; a later {@link #install} (as when a
   * store is opened) waits for it to finish.
   */
  public static void installInBackground() {
    Thread t = new Thread(NativeDigests::install, "native-digests");
    t.setDaemon(true);
    t.start();
  }

  /** Installs the native digests once per JVM; returns whether they are in use. */
  public static synchronized boolean install() {
    if (installed == null) {
      installed = tryInstall();
    }
    return installed;
  }

  private static boolean tryInstall() {
    if (Boolean.getBoolean("skyrelay.jdkDigests")) {
      return false;
    }
    if (Security.getProvider(PROVIDER) != null) {
      return true;
    }
    try {
      if (!Conscrypt.isAvailable()) {
        LOG.debug("Conscrypt's native library is not available here; using the JDK's digests");
        return false;
      }
      Provider conscrypt = Conscrypt.newProvider();
      for (String algorithm : ALGORITHMS) {
        if (conscrypt.getService("MessageDigest", algorithm) == null) {
          return false;
        }
      }
      Security.insertProviderAt(new DigestProvider(conscrypt), 1);
      return true;
    } catch (LinkageError | RuntimeException e) {
      LOG.debug("native digests unavailable; using the JDK's: {}", e.toString());
      return false;
    }
  }

  /** A provider of only the message digests, each made by Conscrypt. */
  private static final class DigestProvider extends Provider {
    private static final long serialVersionUID = 1L;

    DigestProvider(Provider conscrypt) {
      super(PROVIDER, "1.0", "MD5 and SHA-256 from Conscrypt (BoringSSL)");
      for (String algorithm : ALGORITHMS) {
        putService(new Delegating(this, conscrypt.getService("MessageDigest", algorithm)));
      }
    }
  }

  /** A service registered under this provider whose instances come from Conscrypt's. */
  private static final class Delegating extends Provider.Service {
    private final Provider.Service target;

    Delegating(Provider provider, Provider.Service target) {
      super(provider, target.getType(), target.getAlgorithm(), target.getClassName(), null, null);
      this.target = target;
    }

    @Override
    public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
      return target.newInstance(parameter);
    }
  }
}
