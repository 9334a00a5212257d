package io.skyrelay.service.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks what the service hands out: bearer tokens ({@code v1.<payload>.<signature>}, the
 * payload naming the account and the expiry) and download links. The HMAC-SHA256 key is kept in the
 * service folder as {@code service.key}, readable by its owner only (mode 600), made on first use.
 * A token holds no role: the role is looked up on each request, so a changed role takes effect at
 * once.
 */
public final class Signer {

  /** The key file's name in the service folder. */
  public static final String KEY_FILE = "service.key";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key;

  private Signer(byte[] key) {
    this.key = key;
  }

  /** The signer of the service kept in {@code folder}, making its key when there is none. */
  public static Signer inFolder(Path folder) {
    Path file = folder.resolve(KEY_FILE);
    try {
      Files.createDirectories(folder);
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, B64.encodeToString(fresh) + "\n");
        } catch (FileAlreadyExistsException raced) {
          // another process made it first: use theirs
        }
      }
      byte[] key = B64D.decode(Files.readString(file).trim());
      if (key.length < 32) {
        throw new IllegalStateException(file + " holds a key shorter than 32 bytes");
      }
      return new Signer(key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or make the service key " + file, e);
    }
  }

  /** A bearer token for {@code account}, valid for {@code ttl} from {@code now}. */
  public String token(String account, Duration ttl, Instant now) {
    String payload = account + "\n" + now.plus(ttl).getEpochSecond();
    String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return "v1." + encoded + "." + sign("token\n" + encoded);
  }

  /**
   * The account a token was issued to, when its signature holds and it has not expired at {@code
   * now}; empty otherwise (the reason is not told: a caller learns nothing from a forged token).
   */
  public Optional<String> verify(String token, Instant now) {
    String[] parts = token.split("\\.");
    if (parts.length != 3 || !parts[0].equals("v1") || !matches(parts[2], "token\n" + parts[1])) {
      return Optional.empty();
    }
    String payload;
    try {
      payload = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int nl = payload.lastIndexOf('\n');
    if (nl < 0) {
      return Optional.empty();
    }
    long expires;
    try {
      expires = Long.parseLong(payload.substring(nl + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return now.getEpochSecond() < expires
        ? Optional.of(payload.substring(0, nl))
        : Optional.empty();
  }

  /** The signature of a download link of {@code path} expiring at {@code expiresEpochSecond}. */
  public String linkSignature(String path, long expiresEpochSecond) {
    return sign("link\n" + path + "\n" + expiresEpochSecond);
  }

  /**
   * Whether {@code signature} signs the link of {@code path} and it is unexpired at {@code now}.
   */
  public boolean linkValid(String path, long expiresEpochSecond, String signature, Instant now) {
    return now.getEpochSecond() < expiresEpochSecond
        && matches(signature, "link\n" + path + "\n" + expiresEpochSecond);
  }

  private boolean matches(String signature, String message) {
    return MessageDigest.isEqual(
        sign(message).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  private String sign(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return B64.encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "Signer[key=****]";
  }
}
