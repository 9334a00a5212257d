package io.skyrelay.pipelines.replicate;

import io.skyrelay.pipelines.common.Ages;
import io.skyrelay.pipelines.common.Sizes;
import io.skyrelay.transforms.values.KeyFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that choose the objects of a job, shared by {@code replicate} and {@code check}:
 * globs, a key list, sizes and ages, made into one {@link KeyFilter}.
 */
public final class FilterOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec commandSpec;

  @Option(
      names = "--include",
      paramLabel = "GLOB",
      description =
          "Copy (and with --delete, delete) only keys this glob matches (repeatable). Globs as in"
              + " rclone: * within a folder, ** across, ?, [abc], {a,b}; a leading / anchors at"
              + " SRC, otherwise the glob matches at any depth. --include and --exclude rules are"
              + " tried in the order given and the first match decides; with any --include, keys"
              + " that match none are left out.")
  List<String> includes = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "GLOB",
      description = "Leave out keys this glob matches (repeatable; see --include).")
  List<String> excludes = new ArrayList<>();

  @Option(
      names = "--files-from",
      paramLabel = "FILE",
      description =
          "Copy (and with --delete, delete) only the keys listed in FILE, one per line, relative"
              + " to SRC, as rclone's --files-from; blank lines and lines starting with # or ; are"
              + " skipped, surrounding spaces and a leading / are dropped. Other filters still"
              + " apply to the keys listed.")
  Path filesFrom;

  @Option(
      names = "--min-size",
      paramLabel = "SIZE",
      converter = Sizes.Converter.class,
      description = "Leave out objects smaller than this (e.g. 1KiB).")
  Long minSize;

  @Option(
      names = "--max-size",
      paramLabel = "SIZE",
      converter = Sizes.Converter.class,
      description = "Leave out objects larger than this (e.g. 5GiB).")
  Long maxSize;

  @Option(
      names = "--max-age",
      paramLabel = "AGE",
      converter = Ages.Converter.class,
      description =
          "Leave out source objects last modified longer ago than AGE (90s, 15m, 1h30m, 2d, 1w,"
              + " 6M, 1y; counted from the start of the job) or before a date (2024-01-31,"
              + " 2024-01-31T12:00:00), as rclone's --max-age.")
  Ages.Age maxAge;

  @Option(
      names = "--min-age",
      paramLabel = "AGE",
      converter = Ages.Converter.class,
      description =
          "Leave out source objects modified more recently than AGE ago, or after a date (see"
              + " --max-age).")
  Ages.Age minAge;

  @Option(
      names = "--retry-from",
      paramLabel = "RUN",
      description =
          "Only the objects that failed in an earlier run: RUN is that run's output folder (or"
              + " one of its results-*.avro files). The source is listed again and the other"
              + " filters still apply.")
  Path retryFrom;

  /** The keys that failed in the run {@code --retry-from} names, without repeats. */
  List<String> retryKeys() {
    if (filesFrom != null) {
      throw new IllegalArgumentException(
          "--retry-from and --files-from both list the keys of the job: give one");
    }
    return ReplicateJob.readResults(retryFrom).stream()
        .filter(r -> r.action == io.skyrelay.transforms.values.ObjectResult.Action.FAILED)
        .map(r -> r.key)
        .distinct()
        .toList();
  }

  /** The filter these options make for a job started at {@code now}. */
  KeyFilter filter(Instant now) {
    KeyFilter filter =
        KeyFilter.all()
            .withOrderedRules(filterRules())
            .withSizes(minSize == null ? 0 : minSize, maxSize == null ? Long.MAX_VALUE : maxSize)
            .withModified(
                maxAge == null ? Long.MIN_VALUE : maxAge.before(now).toEpochMilli(),
                minAge == null ? Long.MAX_VALUE : minAge.before(now).toEpochMilli());
    if (filesFrom != null) {
      filter = filter.withKeyList(readKeyList(filesFrom));
    }
    if (retryFrom != null) {
      filter = filter.withKeyList(retryKeys());
    }
    return filter;
  }

  /**
   * The {@code --include} and {@code --exclude} globs as {@code +GLOB} and {@code -GLOB} rules, in
   * the order they were given on the command line.
   */
  List<String> filterRules() {
    List<String> rules = new ArrayList<>();
    List<String> args =
        commandSpec == null ? List.of() : commandSpec.commandLine().getParseResult().originalArgs();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      for (String option : List.of("--include", "--exclude")) {
        String sign = option.equals("--include") ? "+" : "-";
        if (a.equals(option) && i + 1 < args.size()) {
          rules.add(sign + args.get(++i));
        } else if (a.startsWith(option + "=")) {
          rules.add(sign + a.substring(option.length() + 1));
        }
      }
    }
    if (rules.size() != includes.size() + excludes.size()) {
      // Not found as typed (an argument file, say): includes first, as rclone orders them.
      rules.clear();
      includes.forEach(g -> rules.add("+" + g));
      excludes.forEach(g -> rules.add("-" + g));
    }
    return rules;
  }

  /**
   * The keys of a {@code --files-from} file: one a line, spaces around it and a leading {@code /}
   * dropped, blank lines and comments ({@code #}, {@code ;}) skipped.
   */
  static List<String> readKeyList(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--files-from " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("--files-from " + file + ": cannot be read: " + e);
    }
    List<String> keys = new ArrayList<>();
    for (String line : lines) {
      String key = line.strip();
      if (key.isEmpty() || key.startsWith("#") || key.startsWith(";")) {
        continue;
      }
      keys.add(key.startsWith("/") ? key.substring(1) : key);
    }
    return keys;
  }

  /** The filters as the job applies them, for the output of a run and of a dry run. */
  String describe(KeyFilter filter) {
    return describe(filter, retryFrom != null ? "--retry-from" : "--files-from");
  }

  /** The filters as the job applies them; {@code listedBy} names the option of the key list. */
  static String describe(KeyFilter filter, String listedBy) {
    StringBuilder b = new StringBuilder("filters:");
    if (filter.keyListSize() >= 0) {
      b.append(" only the ").append(filter.keyListSize()).append(" keys listed (");
      b.append(listedBy).append(");");
    }
    List<String> rules = filter.orderedRules();
    if (!rules.isEmpty()) {
      b.append(' ');
      for (int i = 0; i < rules.size(); i++) {
        String r = rules.get(i);
        b.append(i == 0 ? "" : ", ").append(r.charAt(0) == '+' ? "include " : "exclude ");
        b.append(r.substring(1));
      }
      if (rules.stream().anyMatch(r -> r.startsWith("+"))) {
        b.append(", exclude everything else");
      }
      b.append(';');
    }
    if (filter.boundsModified()) {
      b.append(" modified");
      if (filter.modifiedAfter() != Long.MIN_VALUE) {
        b.append(" from ").append(Instant.ofEpochMilli(filter.modifiedAfter()));
      }
      if (filter.modifiedBefore() != Long.MAX_VALUE) {
        b.append(" until ").append(Instant.ofEpochMilli(filter.modifiedBefore()));
      }
      b.append(" (at the source);");
    }
    if (filter.minSize() > 0 || filter.maxSize() < Long.MAX_VALUE) {
      b.append(" sizes ")
          .append(filter.minSize())
          .append(" to ")
          .append(filter.maxSize() == Long.MAX_VALUE ? "any" : filter.maxSize())
          .append(" bytes;");
    }
    return b.append(" objects left out are neither copied nor deleted").toString();
  }
}
