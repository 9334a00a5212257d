package io.skyrelay.connectors.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace of its own for a server, joined to this process's namespace by a veth pair
 * with an address at each end, where faults act on a real link: a rate cap ({@code tc tbf} at both
 * ends), random packet loss ({@code nftables numgen random}), connection resets ({@code reject with
 * tcp reset}) and a full cut. The kernel here has no {@code netem}; added delay is the {@link
 * FaultProxy}'s. Needs root, iproute2 and nftables; {@link #unavailable} says why not.
 */
public final class NetworkLab implements AutoCloseable {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String ns;
  private final String hostSide;
  private final String labSide;
  private final String hostAddress;
  private final String labAddress;
  private final List<Process> processes = new ArrayList<>();

  private NetworkLab(int k) {
    long pid = ProcessHandle.current().pid();
    ns = "skyrelay-lab-" + pid + "-" + k;
    hostSide = "srh" + pid % 10_000_000 + "x" + k;
    labSide = "srl" + pid % 10_000_000 + "x" + k;
    // a /30 of 10.64.0.0/10 per process and lab
    long subnet = ((pid * 16 + k) % (1 << 20)) * 4;
    hostAddress = address(0x0A400000L + subnet + 1);
    labAddress = address(0x0A400000L + subnet + 2);
  }

  private static String address(long a) {
    return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
  }

  /** Why no lab can be made here (not root, no {@code ip netns}, no {@code nft}), or empty. */
  public static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("needs root: network namespaces, tc and nftables (CI runs as root)");
    }
    for (List<String> probe :
        List.of(List.of("ip", "netns", "list"), List.of("tc", "-V"), List.of("nft", "--version"))) {
      try {
        Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          return Optional.of(String.join(" ", probe) + " fails: " + out.strip());
        }
      } catch (IOException | InterruptedException e) {
        return Optional.of(
            String.join(" ", probe)
                + " is unavailable ("
                + e.getMessage()
                + "); install iproute2 and nftables (.ci/packages)");
      }
    }
    return Optional.empty();
  }

  /** Makes a namespace and its link; {@link #close} removes them. */
  public static NetworkLab create() throws IOException {
    NetworkLab lab = new NetworkLab(COUNTER.incrementAndGet());
    try {
      lab.setUp();
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private void setUp() throws IOException {
    run("ip", "netns", "add", ns);
    run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", labSide);
    run("ip", "link", "set", labSide, "netns", ns);
    run("ip", "addr", "add", hostAddress + "/30", "dev", hostSide);
    run("ip", "link", "set", hostSide, "up");
    inside("ip", "addr", "add", labAddress + "/30", "dev", labSide);
    inside("ip", "link", "set", labSide, "up");
    inside("ip", "link", "set", "lo", "up");
    inside("nft", "add", "table", "inet", "lab");
    for (String hook : List.of("input", "output")) {
      inside(
          "nft",
          "add chain inet lab faults_" + hook + " { type filter hook " + hook + " priority 0; }");
      inside(
          "nft",
          "add chain inet lab cut_" + hook + " { type filter hook " + hook + " priority -10; }");
    }
  }

  /** The address of this process's end of the link. */
  public String hostAddress() {
    return hostAddress;
  }

  /** The address of the lab's end of the link, where its servers listen. */
  public String labAddress() {
    return labAddress;
  }

  /** Starts {@code command} inside the namespace; {@link #close} stops it. */
  public Process start(List<String> command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.add(p);
    return p;
  }

  /** Caps the link's rate, both ways ({@code tc tbf}; {@code rate} as tc spells it: 40mbit). */
  public void rateCap(String rate) throws IOException {
    String[] tbf = {"root", "tbf", "rate", rate, "burst", "64kb", "latency", "200ms"};
    run(concat(List.of("tc", "qdisc", "replace", "dev", hostSide), tbf));
    inside(concat(List.of("tc", "qdisc", "replace", "dev", labSide), tbf));
  }

  /** Drops {@code percent} of the packets each way at random ({@code numgen random}). */
  public void loss(int percent) throws IOException {
    for (String hook : List.of("input", "output")) {
      inside(
          "nft",
          "add rule inet lab faults_" + hook + " numgen random mod 100 < " + percent + " drop");
    }
  }

  /**
   * Resets up to {@code count} established connections to the lab's {@code port}, at packets drawn
   * at random (one in {@code oneIn}), as a middlebox that drops its state would.
   */
  public void resets(int port, int oneIn, int count) throws IOException {
    inside(
        "nft",
        "add rule inet lab faults_input tcp dport "
            + port
            + " ct state established numgen random mod "
            + oneIn
            + " < 1 limit rate 1/hour burst "
            + count
            + " packets counter reject with tcp reset");
  }

  /** Cuts the link: every packet is dropped, both ways, until {@link #restore}. */
  public void cut() throws IOException {
    for (String hook : List.of("input", "output")) {
      inside("nft", "add rule inet lab cut_" + hook + " meta l4proto tcp drop");
    }
  }

  /** Ends a {@link #cut}. */
  public void restore() throws IOException {
    for (String hook : List.of("input", "output")) {
      inside("nft", "flush chain inet lab cut_" + hook);
    }
  }

  /** Lifts every fault: rate caps, loss, resets and cuts. */
  public void heal() throws IOException {
    for (String hook : List.of("input", "output")) {
      inside("nft", "flush chain inet lab faults_" + hook);
      inside("nft", "flush chain inet lab cut_" + hook);
    }
    for (String[] del :
        List.of(
            new String[] {"tc", "qdisc", "del", "dev", hostSide, "root"},
            new String[] {
              "ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", labSide, "root"
            })) {
      try {
        run(del);
      } catch (IOException noCap) {
        // no cap was set
      }
    }
  }

  /** Bytes received from the lab over the link so far. */
  public long bytesFromLab() throws IOException {
    return Long.parseLong(
        Files.readString(Path.of("/sys/class/net", hostSide, "statistics", "rx_bytes")).strip());
  }

  /** What nftables counted and the rules in place, for a test's report. */
  public String rules() throws IOException {
    return inside("nft", "list table inet lab");
  }

  private static String[] concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  private String inside(String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    return run(full.toArray(String[]::new));
  }

  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer in 30 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Stops the lab's processes and removes the namespace (its end of the link goes with it). */
  @Override
  public void close() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      run("ip", "netns", "del", ns);
    } catch (IOException e) {
      // not made, or already gone
    }
    try {
      run("ip", "link", "del", hostSide);
    } catch (IOException e) {
      // went with the namespace
    }
  }
}
