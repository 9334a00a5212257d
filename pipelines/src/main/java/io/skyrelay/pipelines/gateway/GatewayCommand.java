package io.skyrelay.pipelines.gateway;

import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import io.skyrelay.gateway.namespace.NamespaceDatabase;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code skyrelay gateway --config FILE} and {@code skyrelay gateway demo}. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    subcommands = {GatewayCommand.Demo.class, ImportCommand.class, GatewaySyncCommand.class},
    description = {
      "Serves virtual buckets through the S3 API: one endpoint per region in the config, all"
          + " sharing one namespace; objects written through one region are copied to the others"
          + " as each bucket's placement policy says. Runs until interrupted (Ctrl-C).",
      "See docs/GATEWAY.md for the config file."
    })
public final class GatewayCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The gateway's YAML config.")
  Path config;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      description =
          "Serve Prometheus metrics at http://HOST:PORT/metrics (requests, bytes, hits and remote"
              + " reads per region, egress by region pair, stored bytes, running cost; see"
              + " docs/GATEWAY.md). Port 0 picks a free one. Default: not served.")
  String metricsListen;

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      throw new ParameterException(
          spec.commandLine(), "give --config FILE, or run 'skyrelay gateway demo'");
    }
    String[] metrics = metricsListen == null ? null : hostAndPort(metricsListen);
    GatewayConfig c = GatewayConfigLoader.load(config);
    return serve(c, metrics, spec.commandLine().getOut());
  }

  /** Splits {@code HOST:PORT}, or explains what is wrong with it. */
  private String[] hostAndPort(String value) {
    int colon = value.lastIndexOf(':');
    String port = colon < 0 ? "" : value.substring(colon + 1);
    if (colon <= 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw new ParameterException(
          spec.commandLine(),
          "--metrics-listen takes HOST:PORT (e.g. 127.0.0.1:9464, or 0.0.0.0:9464 for every"
              + " interface), not '"
              + value
              + "'");
    }
    return new String[] {value.substring(0, colon), port};
  }

  /**
   * Starts the gateway (and its metrics, when {@code metrics} gives a host and port), prints its
   * endpoints, and serves until the process is interrupted.
   */
  static int serve(GatewayConfig c, String[] metrics, PrintWriter out) throws Exception {
    Gateway gateway = Gateway.start(c);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.close();
                  stopped.countDown();
                },
                "gateway-shutdown"));
    out.println(
        "Skyrelay gateway: "
            + c.regions().size()
            + " region(s), namespace "
            + NamespaceDatabase.redact(c.database()));
    for (Map.Entry<String, URI> e : gateway.endpoints().entrySet()) {
      out.println("  " + e.getKey() + "  " + e.getValue());
    }
    if (metrics != null) {
      out.println("Metrics: " + gateway.serveMetrics(metrics[0], Integer.parseInt(metrics[1])));
    }
    out.println("Serving until interrupted (Ctrl-C).");
    out.flush();
    stopped.await();
    return ExitStatus.OK;
  }

  /** {@code skyrelay gateway demo}. */
  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the gateway with nothing installed: two regions (local:east, local:west) over"
            + " folders in a temporary directory, a replicate-all bucket named demo, and a fresh"
            + " access key; prints the endpoints, the key and an aws CLI example."
      })
  static final class Demo implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Keep the regions' folders and the namespace here (default: a new temp dir).")
    Path dir;

    @Override
    public Integer call() throws Exception {
      Path d = dir != null ? dir : java.nio.file.Files.createTempDirectory("skyrelay-gateway-");
      return serveDemo(Gateway.demoConfig(d), d);
    }

    private int serveDemo(GatewayConfig c, Path d) throws Exception {
      String id = c.accessKeys().get(0).id();
      String secret = c.accessKeys().get(0).secret();
      PrintWriter out = spec.commandLine().getOut();
      Gateway gateway = Gateway.start(c);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    gateway.close();
                    stopped.countDown();
                  },
                  "gateway-shutdown"));
      URI east = gateway.endpoint("local:east");
      URI west = gateway.endpoint("local:west");
      out.println("Skyrelay gateway demo: two regions over folders in " + d);
      out.println("  local:east  " + east + "   (copies in " + d.resolve("east") + ")");
      out.println("  local:west  " + west + "   (copies in " + d.resolve("west") + ")");
      out.println(
          "Bucket: demo (replicate-all: a write through one region is copied to the other)");
      out.println("Metrics: " + gateway.serveMetrics("127.0.0.1", 0));
      out.println("Access key: " + id);
      out.println("Secret key: " + secret);
      out.println();
      out.println("Try it (in another terminal):");
      out.println("  export AWS_ACCESS_KEY_ID=" + id + " AWS_SECRET_ACCESS_KEY=" + secret);
      out.println("  export AWS_DEFAULT_REGION=us-east-1");
      out.println("  echo hello > hello.txt");
      out.println("  aws --endpoint-url " + east + " s3 cp hello.txt s3://demo/hello.txt");
      out.println("  aws --endpoint-url " + west + " s3 ls s3://demo/");
      out.println("  aws --endpoint-url " + west + " s3 cp s3://demo/hello.txt -");
      out.println(
          "  aws --endpoint-url "
              + west
              + " s3api head-object --bucket demo --key hello.txt --debug 2>&1"
              + " | grep -i x-skyrelay-served-from");
      out.println();
      out.println("Serving until interrupted (Ctrl-C).");
      out.flush();
      stopped.await();
      return ExitStatus.OK;
    }
  }
}
