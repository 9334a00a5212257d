package io.skyrelay.connectors;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A parsed store location: {@code s3://bucket/prefix}, {@code gs://bucket/prefix}, {@code
 * az://account/container/prefix}, {@code swift://account/container/prefix} or {@code
 * file:///absolute/path}.
 *
 * @param scheme {@code s3}, {@code gs}, {@code az}, {@code swift} or {@code file}
 * @param account the Azure storage account, or the Swift account ({@code AUTH_test}); {@code null}
 *     for other schemes
 * @param container the bucket, the Azure container, or for {@code file} the absolute root directory
 * @param prefix the key prefix inside the container (no leading slash; may be empty)
 */
public record StoreUri(String scheme, String account, String container, String prefix)
    implements Serializable {

  private static final String EXAMPLES =
      "expected one of s3://bucket/prefix, gs://bucket/prefix, az://account/container/prefix,"
          + " swift://account/container/prefix, file:///absolute/path";

  public StoreUri {
    prefix = prefix == null ? "" : prefix;
  }

  /** Parses a location, with an error message that shows the accepted forms. */
  public static StoreUri parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidStoreUriException("store URI is empty; " + EXAMPLES);
    }
    int colon = text.indexOf("://");
    if (colon <= 0) {
      throw new InvalidStoreUriException(
          "'" + text + "' is not a store URI (no scheme://); " + EXAMPLES);
    }
    String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = text.substring(colon + 3);
    switch (scheme) {
      case "s3", "gs" -> {
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!bucket.matches("[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]")) {
          throw new InvalidStoreUriException(
              "'"
                  + text
                  + "': '"
                  + bucket
                  + "' is not a valid bucket name (3-63 lower-case letters, digits, '.', '-');"
                  + " expected "
                  + scheme
                  + "://bucket/prefix");
        }
        return new StoreUri(scheme, null, bucket, prefix);
      }
      case "az" -> {
        String[] parts = rest.split("/", 3);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          throw new InvalidStoreUriException(
              "'"
                  + text
                  + "': Azure locations need an account and a container;"
                  + " expected az://account/container/prefix");
        }
        if (!parts[1].matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}|\\$root")) {
          throw new InvalidStoreUriException(
              "'"
                  + text
                  + "': '"
                  + parts[1]
                  + "' is not a valid Azure container name (3-63 lower-case letters, digits,"
                  + " single hyphens)");
        }
        return new StoreUri(scheme, parts[0], parts[1], parts.length == 3 ? parts[2] : "");
      }
      case "swift" -> {
        String[] parts = rest.split("/", 3);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          throw new InvalidStoreUriException(
              "'"
                  + text
                  + "': Swift locations need an account and a container;"
                  + " expected swift://account/container/prefix (the account as in the storage"
                  + " URL, such as AUTH_test)");
        }
        if (parts[1].getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
          throw new InvalidStoreUriException(
              "'" + text + "': a Swift container name has at most 256 bytes");
        }
        return new StoreUri(scheme, parts[0], parts[1], parts.length == 3 ? parts[2] : "");
      }
      case "file" -> {
        try {
          URI uri = new URI(text.replace(" ", "%20"));
          if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
            throw new InvalidStoreUriException(
                "'" + text + "': a local path needs three slashes, as in file:///data/objects");
          }
          Path root = Path.of(uri.getPath()).normalize();
          return new StoreUri(scheme, null, root.toString(), "");
        } catch (URISyntaxException | IllegalArgumentException e) {
          throw new InvalidStoreUriException(
              "'" + text + "' is not a valid file URI (" + e.getMessage() + "); " + EXAMPLES);
        }
      }
      default ->
          throw new InvalidStoreUriException(
              "'" + text + "': unknown scheme '" + scheme + "'; " + EXAMPLES);
    }
  }

  /** The same location with another prefix. */
  public StoreUri withPrefix(String newPrefix) {
    return new StoreUri(scheme, account, container, newPrefix);
  }

  /** The container alone, without prefix. */
  public StoreUri containerOnly() {
    return withPrefix("");
  }

  @Override
  public String toString() {
    return switch (scheme) {
      case "az", "swift" ->
          scheme + "://" + account + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix);
      case "file" -> "file://" + container + (prefix.isEmpty() ? "" : "/" + prefix);
      default -> scheme + "://" + container + (prefix.isEmpty() ? "" : "/" + prefix);
    };
  }
}
