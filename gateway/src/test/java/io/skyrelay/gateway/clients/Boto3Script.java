package io.skyrelay.gateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a scenario of {@code clients/boto3_client.py} with Debian's {@code /usr/bin/python3} and
 * boto3 (the first python3 on a developer's PATH may lack boto3), and reads what it printed.
 */
final class Boto3Script {

  static final String PYTHON = "/usr/bin/python3";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClientGateway gw;
  private final ClientProcess python;
  private final Path script;

  Boto3Script(ClientGateway gw, Path home) throws Exception {
    ClientProcess.require(PYTHON, "Debian's python3");
    this.gw = gw;
    this.script = home.resolve("boto3_client.py");
    Files.createDirectories(home);
    try (var in = Boto3Script.class.getResourceAsStream("/clients/boto3_client.py")) {
      Files.copy(in, script);
    }
    Files.writeString(home.resolve("config"), "[default]\nregion = us-east-1\n");
    this.python =
        new ClientProcess(home)
            .env("AWS_CONFIG_FILE", home.resolve("config").toString())
            .env("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString())
            .env("AWS_ACCESS_KEY_ID", gw.keyId())
            .env("AWS_SECRET_ACCESS_KEY", gw.secret())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("PYTHONNOUSERSITE", "1");
    ClientProcess.Result check = python.run(PYTHON, "-c", "import boto3");
    if (check.exitCode() != 0) {
      org.junit.jupiter.api.Assertions.fail(
          "boto3 is not installed for "
              + PYTHON
              + ": run `bash .ci/packages` (as root or with sudo) to install the Debian packages"
              + " the gateway's client tests use\n"
              + check.stderr());
    }
  }

  /** The folder the scenarios read their inputs from and write their outputs to. */
  Path work() {
    return python.home();
  }

  JsonNode run(String scenario) throws Exception {
    ClientProcess.Result r =
        python
            .run(
                PYTHON,
                script.toString(),
                scenario,
                gw.east().toString(),
                gw.west().toString(),
                work().toString())
            .ok();
    return JSON.readTree(r.stdout());
  }
}
