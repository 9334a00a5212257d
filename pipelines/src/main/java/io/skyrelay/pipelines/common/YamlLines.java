package io.skyrelay.pipelines.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key in a YAML file, by path ({@code mappings[1].replicas}), so that errors
 * found after parsing can still name the line.
 */
public final class YamlLines {

  private final Map<String, Integer> lines = new HashMap<>();

  private YamlLines() {}

  public static YamlLines of(Path file) throws IOException {
    YamlLines y = new YamlLines();
    long size = Files.size(file);
    if (size > ConfigYaml.MAX_BYTES) {
      throw new IOException(
          "the file is "
              + size
              + " bytes, more than the "
              + ConfigYaml.MAX_BYTES
              + " bytes a configuration file may have");
    }
    int aliases = 0;
    try (JsonParser p = ConfigYaml.factory().createParser(file.toFile())) {
      Deque<String> path = new ArrayDeque<>();
      Deque<int[]> arrayIndex = new ArrayDeque<>();
      String field = null;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (p instanceof YAMLParser yaml
            && yaml.isCurrentAlias()
            && ++aliases > ConfigYaml.MAX_ALIASES) {
          throw new IOException(
              "line "
                  + p.currentTokenLocation().getLineNr()
                  + ": more than "
                  + ConfigYaml.MAX_ALIASES
                  + " aliases (*name); a configuration file may use at most "
                  + ConfigYaml.MAX_ALIASES);
        }
        switch (t) {
          case FIELD_NAME -> {
            field = p.currentName();
            y.lines.put(join(path, field), p.currentTokenLocation().getLineNr());
          }
          case START_OBJECT, START_ARRAY -> {
            String segment;
            if (!arrayIndex.isEmpty() && arrayIndex.peek()[0] >= 0 && field == null) {
              segment = "[" + arrayIndex.peek()[0]++ + "]";
              y.lines.put(join(path, segment), p.currentTokenLocation().getLineNr());
            } else {
              segment = field == null ? "" : field;
            }
            path.push(segment);
            arrayIndex.push(new int[] {t == JsonToken.START_ARRAY ? 0 : -1});
            field = null;
          }
          case END_OBJECT, END_ARRAY -> {
            path.pop();
            arrayIndex.pop();
            field = null;
          }
          default -> {
            if (!arrayIndex.isEmpty() && arrayIndex.peek()[0] >= 0 && field == null) {
              y.lines.put(
                  join(path, "[" + arrayIndex.peek()[0]++ + "]"),
                  p.currentTokenLocation().getLineNr());
            }
            field = null;
          }
        }
      }
    }
    return y;
  }

  private static String join(Deque<String> path, String last) {
    StringBuilder b = new StringBuilder();
    var it = path.descendingIterator();
    while (it.hasNext()) {
      append(b, it.next());
    }
    append(b, last);
    return b.toString();
  }

  private static void append(StringBuilder b, String segment) {
    if (segment.isEmpty()) {
      return;
    }
    if (b.length() > 0 && !segment.startsWith("[")) {
      b.append('.');
    }
    b.append(segment);
  }

  /** The line of {@code path}, or of its nearest parent that has one; 0 when unknown. */
  public int lineOf(String path) {
    String p = path;
    while (!p.isEmpty()) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return 0;
  }
}
