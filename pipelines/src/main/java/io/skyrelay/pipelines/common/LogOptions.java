package io.skyrelay.pipelines.common;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * How much a command logs and where: {@code -v} / {@code -q}, {@code --log-file}, {@code
 * --log-format text|json}, and how often it prints one-line stats when its output is not a terminal
 * ({@code --stats}). {@link #apply} sets the logging up for the command's run; closing what it
 * returns restores the defaults (of {@code logback.xml}).
 */
public final class LogOptions {

  @Option(
      names = {"-v", "--verbose"},
      description =
          "More logging: this program's debug messages and the runners' information messages.")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      description =
          "Errors only: no warnings, no progress bar, no periodic stats (the summary is still"
              + " printed).")
  boolean quiet;

  @Option(
      names = "--log-file",
      paramLabel = "FILE",
      description = "Append the log to FILE instead of writing it to standard error.")
  Path logFile;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = Formats.class,
      completionCandidates = Formats.class,
      description =
          "text (default) or json: one JSON object per line with time, level, logger, thread,"
              + " message and error.")
  String logFormat = "text";

  @Option(
      names = "--stats",
      paramLabel = "INTERVAL",
      defaultValue = "10s",
      converter = Intervals.class,
      description =
          "When standard output is not a terminal, print a one-line stats line this often"
              + " (default ${DEFAULT-VALUE}; 0 for none; 500ms, 10s, 1m). On a terminal a"
              + " progress bar is drawn instead, unless 0.")
  Duration stats = Duration.ofSeconds(10);

  /** The values of {@code --log-format}. */
  static final class Formats extends Choices<String> {
    Formats() {
      super(List.of("text", "json"));
    }

    @Override
    protected String valueOf(String name) {
      return name;
    }
  }

  /** Intervals such as {@code 10s}, {@code 500ms}, {@code 1m}, or {@code 0}. */
  static final class Intervals implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      if (value.strip().equals("0")) {
        return Duration.ZERO;
      }
      Ages.Age a;
      try {
        a = Ages.parse(value);
      } catch (IllegalArgumentException e) {
        a = null;
      }
      if (a == null || a.duration() == null) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an interval; write it like 10s, 500ms, 1m or 0 (none)");
      }
      return a.duration();
    }
  }

  /** How often to print stats, or {@link Duration#ZERO} for never (also with {@code -q}). */
  public Duration stats() {
    return quiet ? Duration.ZERO : stats;
  }

  public boolean quiet() {
    return quiet;
  }

  /** Sets the logging up as the options say; closing the result restores the defaults. */
  public AutoCloseable apply() {
    if (verbose && quiet) {
      throw new IllegalArgumentException("-v and -q contradict each other: give one");
    }
    if (!verbose && !quiet && logFile == null && logFormat.equals("text")) {
      return () -> {};
    }
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    Encoder<ILoggingEvent> encoder;
    if (logFormat.equals("json")) {
      LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
      JsonLayout layout = new JsonLayout();
      layout.setContext(ctx);
      layout.start();
      e.setLayout(layout);
      e.setCharset(StandardCharsets.UTF_8);
      encoder = e;
    } else {
      PatternLayoutEncoder e = new PatternLayoutEncoder();
      e.setPattern(
          logFile == null
              ? "%d{HH:mm:ss} %-5level %logger{20} - %msg%n"
              : "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{20} - %msg%n");
      encoder = e;
    }
    encoder.setContext(ctx);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender;
    if (logFile != null) {
      FileAppender<ILoggingEvent> f = new FileAppender<>();
      f.setFile(logFile.toAbsolutePath().toString());
      f.setAppend(true);
      appender = f;
    } else {
      ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
      c.setTarget("System.err");
      appender = c;
    }
    appender.setContext(ctx);
    appender.setName("skyrelay-log");
    appender.setEncoder(encoder);
    appender.start();
    root.addAppender(appender);
    if (verbose) {
      root.setLevel(Level.INFO);
      ctx.getLogger("io.skyrelay").setLevel(Level.DEBUG);
      for (String quietRunner :
          List.of("org.apache.flink", "org.apache.beam.runners.flink", "org.apache.beam")) {
        ctx.getLogger(quietRunner).setLevel(Level.INFO);
      }
    } else if (quiet) {
      root.setLevel(Level.ERROR);
      ctx.getLogger("io.skyrelay").setLevel(Level.ERROR);
      ctx.getLogger("org.apache.beam").setLevel(Level.ERROR);
    }
    return () -> {
      ctx.reset();
      try {
        new ContextInitializer(ctx).autoConfig();
      } catch (JoranException e) {
        throw new IllegalStateException("cannot restore the logging configuration", e);
      }
    };
  }

  /** One JSON object per line for each log event. */
  static final class JsonLayout extends LayoutBase<ILoggingEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String doLayout(ILoggingEvent event) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      m.put("level", event.getLevel().toString());
      m.put("logger", event.getLoggerName());
      m.put("thread", event.getThreadName());
      m.put("message", event.getFormattedMessage());
      IThrowableProxy t = event.getThrowableProxy();
      if (t != null) {
        m.put("error", ThrowableProxyUtil.asString(t));
      }
      try {
        // Jackson escapes line breaks inside strings: one event, one line
        return JSON.writeValueAsString(m) + "\n";
      } catch (JsonProcessingException e) {
        return "{\"level\":\"ERROR\",\"message\":\"unprintable log event\"}\n";
      }
    }
  }
}
