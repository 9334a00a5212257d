package io.skyrelay.connectors.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's server binaries ({@code .ci/packages} installs
 * them), a cluster made with {@code initdb} in a temporary folder, {@code postgres} on a free
 * loopback port, stopped and its folder deleted by {@link #close()}. As root it runs as the {@code
 * postgres} user (PostgreSQL refuses to run as root), owning the folder.
 *
 * <p>The cluster's default collation is ICU's {@code en-US}, as on many real servers: text sorts
 * 'a' &lt; 'B' &lt; 'b', unlike S3's byte order. Connections over TCP need the password.
 */
public final class PostgresServer implements AutoCloseable {

  /** Where Debian's {@code postgresql} package puts the server binaries. */
  static final Path BIN =
      Path.of(System.getProperty("skyrelay.postgres.bin", "/usr/lib/postgresql/15/bin"));

  public static final String USER = "skyrelay";
  public static final String PASSWORD = "pg-test-secret-Q7w2e";

  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean asPostgres;
  private final Process process;
  private final Thread shutdownHook;

  private PostgresServer(
      Path dir, Path data, int port, boolean asPostgres, Process process, Thread shutdownHook) {
    this.dir = dir;
    this.data = data;
    this.port = port;
    this.asPostgres = asPostgres;
    this.process = process;
    this.shutdownHook = shutdownHook;
  }

  /**
   * Makes a cluster in a new temporary folder and starts it; fails when the binaries are missing.
   */
  public static PostgresServer start() throws Exception {
    for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
      if (!Files.isExecutable(BIN.resolve(tool))) {
        fail(
            "PostgreSQL's server binaries are missing ("
                + BIN.resolve(tool)
                + " not found): run `bash .ci/packages` to install Debian's postgresql package");
      }
    }
    boolean asPostgres = System.getProperty("user.name").equals("root");
    Path dir = Files.createTempDirectory("skyrelay-postgres-");
    Path data = dir.resolve("data");
    Path sockets = dir.resolve("sockets");
    Files.createDirectories(sockets);
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, PASSWORD + "\n");
    if (asPostgres) {
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      for (Path p : List.of(dir, sockets, pwfile)) {
        Files.setOwner(p, postgres);
      }
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try {
      run(
          asPostgres,
          dir.resolve("initdb.log"),
          BIN.resolve("initdb").toString(),
          "-D",
          data.toString(),
          "-U",
          USER,
          "--pwfile=" + pwfile,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "--encoding=UTF8",
          "--locale=C.UTF-8",
          "--locale-provider=icu",
          "--icu-locale=en-US");
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        List<String> command =
            command(
                asPostgres,
                BIN.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-k",
                sockets.toString(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200");
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("postgres.log").toFile())
                .start();
        Thread hook = new Thread(() -> stop(asPostgres, data, process));
        Runtime.getRuntime().addShutdownHook(hook);
        PostgresServer server = new PostgresServer(dir, data, port, asPostgres, process, hook);
        if (server.awaitReady()) {
          return server;
        }
        server.stopServer();
        last = new IOException("postgres exited: " + server.logTail());
      }
      throw last;
    } catch (Exception | Error e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** Polls until the server accepts a connection; false when the process exited instead. */
  private boolean awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD)) {
        return c.isValid(5);
      } catch (SQLException notYet) {
        Thread.sleep(25);
      }
    }
    throw new IllegalStateException("PostgreSQL did not accept connections in 60 s: " + logTail());
  }

  public int port() {
    return port;
  }

  /** The JDBC URL of {@code database}, without credentials. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The JDBC URL of {@code database} with the user and password as URL parameters. */
  public String jdbcUrlWithCredentials(String database) {
    return jdbcUrl(database) + "?user=" + USER + "&password=" + PASSWORD;
  }

  /** Creates a new, empty database. */
  public void createDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
  }

  /** Opens a connection to {@code database}, for checks of what the gateways stored. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
  }

  @Override
  public void close() {
    stopServer();
    deleteTree(dir);
  }

  private void stopServer() {
    stop(asPostgres, data, process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private static void stop(boolean asPostgres, Path data, Process process) {
    if (process.isAlive()) {
      try {
        run(
            asPostgres,
            null,
            BIN.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "stop",
            "-m",
            "fast");
      } catch (Exception e) {
        // fall through to the signal
      }
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("postgres.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static List<String> command(boolean asPostgres, String... args) {
    List<String> command = new ArrayList<>();
    if (asPostgres) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.addAll(List.of(args));
    return command;
  }

  private static void run(boolean asPostgres, Path log, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(asPostgres, args)).redirectErrorStream(true);
    Path out = log != null ? log : Files.createTempFile("skyrelay-pg-ctl-", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(args[0] + " did not finish in 120 s");
    }
    String output = Files.readString(out);
    if (log == null) {
      Files.deleteIfExists(out);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(args[0] + " failed (" + p.exitValue() + "): " + output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
