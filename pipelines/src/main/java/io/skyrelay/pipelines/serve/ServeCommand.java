package io.skyrelay.pipelines.serve;

import io.skyrelay.pipelines.common.Ages;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.service.ServiceAccounts;
import io.skyrelay.service.SkyrelayService;
import io.skyrelay.service.auth.Role;
import io.skyrelay.service.db.ServiceDatabase;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code skyrelay serve}, with {@code account}, {@code token} and {@code demo}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    subcommands = {ServeCommand.AccountCommand.class, ServeCommand.Token.class, DemoService.class},
    description = {
      "Runs the catalogue and export service: a REST API (see /openapi.yaml) over a catalogue of"
          + " datasets, profiled by Beam jobs, from which researchers request exports; identical"
          + " requests are one job, results are expiring download links. Runs until interrupted.",
      "Create accounts with 'serve account add' and tokens with 'serve token'. See"
          + " docs/SERVICE.md."
    })
public final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServiceOptions service;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description =
          "The address to listen on (0.0.0.0 for every interface). Default: ${DEFAULT-VALUE}.",
      defaultValue = "127.0.0.1")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "The port (0 for a free one). Default: ${DEFAULT-VALUE}.",
      defaultValue = "8080")
  int port;

  @Option(
      names = "--export-location",
      paramLabel = "URI",
      description = "The store URI exports are written under. Default: exports/ in the folder.")
  String exportLocation;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "The URL users reach the service at, for download links. Default: http://HOST:PORT.")
  String publicUrl;

  @Option(
      names = "--no-jobs",
      description =
          "Serve the API only; export requests wait for a service sharing the database that runs"
              + " jobs.")
  boolean noJobs;

  @Override
  public Integer call() throws Exception {
    SkyrelayService s =
        SkyrelayService.start(service.config(host, port, exportLocation, publicUrl, !noJobs));
    PrintWriter out = spec.commandLine().getOut();
    out.println("Skyrelay service: " + s.publicUrl());
    out.println("  folder   " + service.dir.toAbsolutePath());
    out.println(
        "  database "
            + ServiceDatabase.redact(
                service.database != null
                    ? service.database
                    : ServiceDatabase.embeddedUrl(service.dir)));
    out.println("  API      " + s.publicUrl() + "/openapi.yaml");
    out.println("Serving until interrupted (Ctrl-C).");
    out.flush();
    awaitShutdown(s);
    return ExitStatus.OK;
  }

  /** Serves until the process is interrupted, then stops the service. */
  static void awaitShutdown(SkyrelayService s) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  s.close();
                  stopped.countDown();
                },
                "serve-shutdown"));
    stopped.await();
  }

  /** {@code skyrelay serve account add NAME --role admin|researcher}. */
  @Command(
      name = "account",
      mixinStandardHelpOptions = true,
      subcommands = {AccountCommand.Add.class},
      description = "Manages the service's accounts.")
  static final class AccountCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description =
            "Adds an account (or changes its role): an admin manages datasets and jobs; a"
                + " researcher browses the catalogue and requests exports.")
    static final class Add implements Callable<Integer> {
      @Spec CommandSpec spec;

      @Mixin ServiceOptions service;

      @Parameters(index = "0", paramLabel = "NAME", description = "The account's name.")
      String name;

      @Option(
          names = "--role",
          required = true,
          paramLabel = "ROLE",
          description = "admin or researcher.")
      String role;

      @Override
      public Integer call() {
        Role r = Role.parse(role);
        try (ServiceAccounts accounts = ServiceAccounts.open(service.config())) {
          boolean added = accounts.put(name, r);
          spec.commandLine()
              .getOut()
              .println((added ? "added " : "updated ") + r.label() + " account " + name);
        }
        return ExitStatus.OK;
      }
    }
  }

  /** {@code skyrelay serve token NAME --ttl 1h}. */
  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a bearer token for an account, signed with the service's key and valid for --ttl."
            + " Use it as 'Authorization: Bearer TOKEN'. The token is printed only here, never"
            + " stored or logged."
      })
  static final class Token implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ServiceOptions service;

    @Parameters(index = "0", paramLabel = "NAME", description = "The account.")
    String name;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "How long the token is valid (90s, 15m, 1h, 7d). Default: ${DEFAULT-VALUE}.",
        defaultValue = "1h")
    String ttl;

    @Override
    public Integer call() {
      Duration d = Ages.parse(ttl).duration();
      if (d == null) {
        throw new IllegalArgumentException("--ttl takes a duration such as 1h or 7d, not " + ttl);
      }
      try (ServiceAccounts accounts = ServiceAccounts.open(service.config())) {
        spec.commandLine().getOut().println(accounts.token(name, d));
      }
      return ExitStatus.OK;
    }
  }
}
