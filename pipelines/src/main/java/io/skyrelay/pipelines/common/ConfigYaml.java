package io.skyrelay.pipelines.common;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * How configuration files (the stores file, the sync mappings) are read: YAML within limits that no
 * real configuration comes near, so that a huge, deeply nested or alias-laden file is refused with
 * a message naming the limit instead of exhausting memory or the stack. {@link YamlLines}, which
 * every reader runs first, checks the size and counts the aliases; the parser checks the nesting.
 */
public final class ConfigYaml {

  /** The largest file, in bytes. */
  public static final int MAX_BYTES = 1 << 20;

  /** The deepest nesting of lists and maps. */
  public static final int MAX_NESTING = 32;

  /** The most aliases ({@code *name}) a file may use. */
  public static final int MAX_ALIASES = 20;

  private ConfigYaml() {}

  /** A YAML factory that enforces the nesting and length limits. */
  public static YAMLFactory factory() {
    YAMLFactory factory = new YAMLFactory();
    factory.setStreamReadConstraints(
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING)
            .maxDocumentLength(MAX_BYTES)
            .build());
    return factory;
  }
}
