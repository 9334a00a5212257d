package io.skyrelay.connectors.swift;

import io.skyrelay.connectors.StoreSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Swift all-in-one built from Debian's packages (installed by {@code bash .ci/packages}; nothing
 * is installed here): configuration and one-replica rings in a temporary folder, a memcached, and
 * the object, container, account and proxy servers as child processes on free loopback ports, one
 * process each ({@code workers = 0}) to keep start-up and CPU low. The proxy has tempauth (user
 * {@code test:tester}, key {@code testing}, account {@code AUTH_test}), bulk, copy and SLO.
 *
 * <p>Swift's servers detach into their own sessions, so they are stopped by PID (SIGTERM, then
 * SIGKILL after 10 s) from {@link #close}, and from a shutdown hook should the JVM exit first.
 * {@code /etc/swift/swift.conf} (Debian's, unchanged) is read by every server; its path is fixed.
 */
public final class SwiftAllInOneServer implements AutoCloseable {

  public static final String USER = "test:tester";
  public static final String KEY = "testing";
  public static final String ACCOUNT = "AUTH_test";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> EXECUTABLES =
      List.of(
          "/usr/bin/swift-proxy-server",
          "/usr/bin/swift-object-server",
          "/usr/bin/swift-container-server",
          "/usr/bin/swift-account-server",
          "/usr/bin/swift-ring-builder",
          "/usr/bin/memcached");

  private final Path dir;
  private final int proxyPort;
  private final int memcachedPort;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Thread hook = new Thread(this::stopAll, "swift-aio-stop");

  private SwiftAllInOneServer(Path dir, int proxyPort, int memcachedPort) {
    this.dir = dir;
    this.proxyPort = proxyPort;
    this.memcachedPort = memcachedPort;
  }

  /**
   * What is missing for the all-in-one to start, with what to run; empty when nothing is. Missing
   * packages are a failure, not a skip: the tests of a connector must not pass unexercised.
   */
  public static String missing() {
    List<String> absent = new ArrayList<>();
    for (String e : EXECUTABLES) {
      if (!Files.isExecutable(Path.of(e))) {
        absent.add(e);
      }
    }
    if (!Files.isRegularFile(Path.of("/etc/swift/swift.conf"))) {
      absent.add("/etc/swift/swift.conf");
    }
    return absent.isEmpty()
        ? ""
        : "OpenStack Swift is not installed ("
            + String.join(", ", absent)
            + " missing); run `bash .ci/packages` from the repository root as root (it installs"
            + " Debian's swift, swift-proxy, swift-object, swift-container, swift-account and"
            + " memcached packages)";
  }

  /** Builds the all-in-one in a new temporary folder, starts it and waits until it answers. */
  public static SwiftAllInOneServer start() throws IOException, InterruptedException {
    String missing = missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing);
    }
    Path dir = Files.createTempDirectory("swift-aio-");
    int[] ports = freePorts(5);
    SwiftAllInOneServer s = new SwiftAllInOneServer(dir, ports[0], ports[4]);
    Runtime.getRuntime().addShutdownHook(s.hook);
    try {
      s.configure(ports[1], ports[2], ports[3]);
      s.launch();
      s.awaitReady(ports);
      return s;
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Settings that point the Swift connector at this server as {@link #USER}. */
  public StoreSettings settings() {
    return StoreSettings.of(Map.of("auth-url", authUrl(), "user", USER, "key", KEY));
  }

  public String authUrl() {
    return "http://127.0.0.1:" + proxyPort + "/auth/v1.0";
  }

  /** Creates a container in {@link #ACCOUNT} (no error if it exists). */
  public void createContainer(String name) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<Void> auth =
        http.send(
            HttpRequest.newBuilder(URI.create(authUrl()))
                .header("X-Auth-User", USER)
                .header("X-Auth-Key", KEY)
                .build(),
            HttpResponse.BodyHandlers.discarding());
    String storage = auth.headers().firstValue("X-Storage-Url").orElseThrow();
    String token = auth.headers().firstValue("X-Auth-Token").orElseThrow();
    HttpResponse<Void> put =
        http.send(
            HttpRequest.newBuilder(URI.create(storage + "/" + SwiftPaths.encode(name)))
                .header("X-Auth-Token", token)
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (put.statusCode() / 100 != 2) {
      throw new IllegalStateException("creating container " + name + ": " + put.statusCode());
    }
  }

  /** Empties memcached, where tempauth keeps its tokens: every token issued so far is forgotten. */
  public void forgetTokens() throws IOException {
    try (Socket s = new Socket("127.0.0.1", memcachedPort)) {
      OutputStream out = s.getOutputStream();
      out.write("flush_all\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] answer = new byte[4];
      int n = s.getInputStream().readNBytes(answer, 0, 4);
      if (n < 2 || answer[0] != 'O' || answer[1] != 'K') {
        throw new IOException("memcached did not flush");
      }
    }
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private void configure(int objectPort, int containerPort, int accountPort)
      throws IOException, InterruptedException {
    for (String d : List.of("etc", "srv/d1", "run", "log")) {
      Files.createDirectories(dir.resolve(d));
    }
    String common =
        String.join(
            "\n",
            "[DEFAULT]",
            "bind_ip = 127.0.0.1",
            "workers = 0",
            "user = " + System.getProperty("user.name"),
            "swift_dir = " + dir.resolve("etc"),
            "devices = " + dir.resolve("srv"),
            "mount_check = false",
            // No /dev/log here: syslog goes to a UDP port nobody reads; -v logs to stderr.
            "log_udp_host = 127.0.0.1",
            "log_udp_port = 5514",
            "log_level = INFO",
            "recon_cache_path = " + dir.resolve("run"),
            "");
    Map<String, Integer> storage =
        Map.of("object", objectPort, "container", containerPort, "account", accountPort);
    for (var e : storage.entrySet()) {
      String kind = e.getKey();
      write(
          kind + "-server.conf",
          common,
          "bind_port = " + e.getValue(),
          "",
          "[pipeline:main]",
          "pipeline = healthcheck " + kind + "-server",
          "",
          "[app:" + kind + "-server]",
          "use = egg:swift#" + kind,
          "",
          "[filter:healthcheck]",
          "use = egg:swift#healthcheck");
    }
    write(
        "proxy-server.conf",
        common.replace("\nrecon_cache_path = " + dir.resolve("run"), ""),
        "bind_port = " + proxyPort,
        "",
        "[pipeline:main]",
        "pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk"
            + " tempauth copy slo dlo proxy-logging proxy-server",
        "",
        "[app:proxy-server]",
        "use = egg:swift#proxy",
        "account_autocreate = true",
        // One object node: do not shut it out for a minute after one error.
        "error_suppression_interval = 0",
        "",
        "[filter:tempauth]",
        "use = egg:swift#tempauth",
        "user_test_tester = " + KEY + " .admin",
        "",
        "[filter:cache]",
        "use = egg:swift#memcache",
        "memcache_servers = 127.0.0.1:" + memcachedPort,
        "",
        filter("catch_errors"),
        filter("gatekeeper"),
        filter("healthcheck"),
        filter("proxy_logging").replace("[filter:proxy_logging]", "[filter:proxy-logging]"),
        filter("listing_formats"),
        filter("bulk"),
        filter("copy"),
        filter("slo"),
        filter("dlo"));
    // One device per ring, one replica; the three rings are built side by side.
    List<Thread> builders = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (var e : storage.entrySet()) {
      Thread t =
          new Thread(
              () -> {
                try {
                  String builder = e.getKey() + ".builder";
                  ringBuilder(builder, "create", "10", "1", "1");
                  ringBuilder(builder, "add", "r1z1-127.0.0.1:" + e.getValue() + "/d1", "1");
                  ringBuilder(builder, "rebalance");
                } catch (Exception ex) {
                  synchronized (failures) {
                    failures.add(ex);
                  }
                }
              });
      t.start();
      builders.add(t);
    }
    for (Thread t : builders) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("building the rings failed", failures.get(0));
    }
  }

  private static String filter(String name) {
    return "[filter:" + name + "]\nuse = egg:swift#" + name + "\n";
  }

  private void write(String file, String... lines) throws IOException {
    Files.writeString(dir.resolve("etc").resolve(file), String.join("\n", lines) + "\n");
  }

  private void ringBuilder(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/swift-ring-builder"));
    command.addAll(List.of(args));
    Path log = dir.resolve("log").resolve(args[0] + ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.resolve("etc").toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("swift-ring-builder " + String.join(" ", args) + " hung");
    }
    // rebalance exits 1 for warnings only; the ring file is checked below.
    if (p.exitValue() > 1) {
      throw new IllegalStateException(
          "swift-ring-builder "
              + String.join(" ", args)
              + " failed ("
              + p.exitValue()
              + "): "
              + Files.readString(log));
    }
    if (args[1].equals("rebalance")) {
      Path ring = dir.resolve("etc").resolve(args[0].replace(".builder", ".ring.gz"));
      if (!Files.isRegularFile(ring)) {
        throw new IllegalStateException(
            "swift-ring-builder made no " + ring + ": " + Files.readString(log));
      }
    }
  }

  private void launch() throws IOException {
    List<String> memcached =
        new ArrayList<>(
            List.of(
                "/usr/bin/memcached",
                "-l",
                "127.0.0.1",
                "-p",
                Integer.toString(memcachedPort),
                "-U",
                "0",
                "-m",
                "16"));
    if ("root".equals(System.getProperty("user.name"))) {
      memcached.addAll(List.of("-u", "memcache"));
    }
    spawn("memcached", memcached);
    for (String kind : List.of("object", "container", "account", "proxy")) {
      spawn(
          kind,
          List.of(
              "/usr/bin/swift-" + kind + "-server",
              dir.resolve("etc").resolve(kind + "-server.conf").toString(),
              "-v"));
    }
  }

  private void spawn(String name, List<String> command) throws IOException {
    Path log = dir.resolve("log").resolve(name + ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    synchronized (processes) {
      processes.put(name, p);
    }
  }

  /** Polls every port, then the proxy's /healthcheck, until all answer or a process has died. */
  private void awaitReady(int[] ports) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/healthcheck"))
            .timeout(Duration.ofSeconds(5))
            .build();
    while (true) {
      checkAlive();
      if (allListening(ports)) {
        try {
          if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // the proxy is still loading
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the Swift all-in-one did not answer within " + START_TIMEOUT + ":\n" + logs());
      }
      Thread.sleep(100);
    }
  }

  private static boolean allListening(int[] ports) {
    for (int port : ports) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private void checkAlive() throws IOException {
    synchronized (processes) {
      for (var e : processes.entrySet()) {
        if (!e.getValue().isAlive()) {
          throw new IllegalStateException(
              "the Swift all-in-one's "
                  + e.getKey()
                  + " exited with "
                  + e.getValue().exitValue()
                  + ":\n"
                  + logs());
        }
      }
    }
  }

  private String logs() throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.list(dir.resolve("log"))) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        b.append("--- ").append(f.getFileName()).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> b.append(l).append('\n'));
      }
    }
    return b.toString();
  }

  /** SIGTERM to every server by PID, SIGKILL to those still there after 10 s. */
  private void stopAll() {
    List<Process> running;
    synchronized (processes) {
      running = new ArrayList<>(processes.values());
      processes.clear();
    }
    running.forEach(Process::destroy);
    for (Process p : running) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary folder left behind
    }
  }
}
