package io.skyrelay.connectors.azure;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps user metadata keys to Azure metadata names and back. Azure accepts only names that are C#
 * identifiers (letters, digits and underscores, not starting with a digit), while S3 and GCS users
 * write keys such as {@code source-etag}. The mapping is reversible:
 *
 * <ul>
 *   <li>ASCII letters and digits stay as they are, except a digit in first position;
 *   <li>every other character is written as its UTF-8 bytes, each as {@code _hh_} with two
 *       lower-case hex digits: {@code source-etag} becomes {@code source_2d_etag}, {@code 1x}
 *       becomes {@code _31_x}, {@code café} becomes {@code caf_c3__a9_};
 *   <li>an underscore stays as it is, unless the two characters after it are hex digits, where it
 *       could be read back as the start of an escape: then it is written {@code _5f_}.
 * </ul>
 *
 * <p>So names that already are plain identifiers without such underscores ({@code owner}, {@code
 * my_key}, {@code ContentOwner}) are written unchanged, and blobs written by other tools read back
 * with their names unchanged. A name read from Azure that contains something shaped like an escape
 * but that this mapping would not have written is returned as it is.
 *
 * <p>Letters keep their case when written, but Azure treats names without regard to case, and a
 * server may return them lower-cased (Azurite does): keys that differ only in case collide.
 */
final class MetadataNames {

  private MetadataNames() {}

  /** The Azure metadata name for a user metadata key. */
  static String toAzure(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("metadata key is empty");
    }
    StringBuilder out = new StringBuilder(key.length() + 8);
    int i = 0;
    while (i < key.length()) {
      int cp = key.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean letter = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
      boolean digit = cp >= '0' && cp <= '9';
      if (letter || (digit && i > 0)) {
        out.append((char) cp);
      } else if (cp == '_' && !(isHex(key, i + 1) && isHex(key, i + 2))) {
        out.append('_');
      } else {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          out.append('_').append(Character.forDigit((b >> 4) & 0xf, 16));
          out.append(Character.forDigit(b & 0xf, 16)).append('_');
        }
      }
      i = next;
    }
    return out.toString();
  }

  /** The user metadata key of an Azure metadata name. */
  static String fromAzure(String name) {
    StringBuilder out = new StringBuilder(name.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < name.length()) {
      if (isEscape(name, i)) {
        bytes.write(Integer.parseInt(name.substring(i + 1, i + 3), 16));
        i += 4;
        continue;
      }
      if (bytes.size() > 0 && !flush(bytes, out)) {
        return name;
      }
      out.append(name.charAt(i++));
    }
    if (bytes.size() > 0 && !flush(bytes, out)) {
      return name;
    }
    String key = out.toString();
    // Only names this mapping could have written are decoded; others are kept as Azure has them.
    return toAzure(key).equalsIgnoreCase(name) ? key : name;
  }

  static Map<String, String> toAzure(Map<String, String> metadata) {
    Map<String, String> out = new LinkedHashMap<>();
    metadata.forEach((k, v) -> out.put(toAzure(k), v));
    return out;
  }

  static Map<String, String> fromAzure(Map<String, String> metadata) {
    Map<String, String> out = new LinkedHashMap<>();
    if (metadata != null) {
      metadata.forEach((k, v) -> out.put(fromAzure(k), v));
    }
    return out;
  }

  private static boolean flush(ByteArrayOutputStream bytes, StringBuilder out) {
    try {
      out.append(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray())));
      bytes.reset();
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isEscape(String s, int i) {
    return i + 3 < s.length()
        && s.charAt(i) == '_'
        && isHex(s, i + 1)
        && isHex(s, i + 2)
        && s.charAt(i + 3) == '_';
  }

  private static boolean isHex(String s, int i) {
    if (i >= s.length()) {
      return false;
    }
    char c = s.charAt(i);
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
