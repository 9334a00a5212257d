package io.skyrelay.connectors.faults;

import io.skyrelay.connectors.s3.embedded.S3ProxyServer;

/**
 * An S3Proxy server (objects in memory) on the address given as the only argument, for a {@link
 * NetworkLab}'s namespace: prints {@code ENDPOINT <url>} then {@code READY}, and runs until its
 * standard input closes.
 */
public final class LabS3Server {

  private LabS3Server() {}

  public static void main(String[] args) throws Exception {
    try (S3ProxyServer s = S3ProxyServer.startInMemory(args[0])) {
      System.out.println("ENDPOINT " + s.endpoint());
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // runs until the test closes our standard input or stops us
      }
    }
    System.exit(0);
  }
}
