package io.skyrelay.transforms.values;

/**
 * Globs as rclone's filters read them, over keys relative to a location's prefix. {@code *} matches
 * within one path segment, {@code **} across segments, {@code ?} one character other than {@code
 * /}, {@code [abc]} one of a class ({@code [!abc]} none of it), {@code {a,b}} either alternative,
 * and a backslash escapes the next character. A glob starting with {@code /} is anchored at the
 * location's root; otherwise it matches the end of a key at any depth ({@code *.jpg} matches {@code
 * a/b/c.jpg}). A glob ending in {@code /} matches everything under such a folder.
 */
public final class RcloneGlob {

  private RcloneGlob() {}

  /** The regular expression that matches exactly the keys {@code glob} matches. */
  public static String toRegex(String glob) {
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("an empty glob matches nothing");
    }
    String g = glob.endsWith("/") ? glob + "**" : glob;
    StringBuilder re = new StringBuilder();
    if (g.startsWith("/")) {
      g = g.substring(1);
      re.append('^');
    } else {
      re.append("^(?:.*/)?");
    }
    int braces = 0;
    for (int i = 0; i < g.length(); i++) {
      char c = g.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
            re.append(".*");
            i++;
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int end = g.indexOf(']', i + 1);
          if (end < 0) {
            throw new IllegalArgumentException("glob '" + glob + "' has a [ without its ]");
          }
          String set = g.substring(i + 1, end);
          re.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
          i = end;
        }
        case '{' -> {
          braces++;
          re.append("(?:");
        }
        case ',' -> re.append(braces > 0 ? "|" : ",");
        case '}' -> {
          if (braces == 0) {
            throw new IllegalArgumentException("glob '" + glob + "' has a } without its {");
          }
          braces--;
          re.append(')');
        }
        case '\\' -> {
          if (i + 1 == g.length()) {
            throw new IllegalArgumentException("glob '" + glob + "' ends with a lone \\");
          }
          re.append(java.util.regex.Pattern.quote(String.valueOf(g.charAt(++i))));
        }
        default -> re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
      }
    }
    if (braces > 0) {
      throw new IllegalArgumentException("glob '" + glob + "' has a { without its }");
    }
    return re.append('$').toString();
  }
}
