package io.skyrelay.pipelines.bench;

import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs S3Proxy endpoints (objects on disk) for whole-job benchmarks against other tools, until
 * standard input closes. Prints one line per endpoint, {@code ENDPOINT <n> <url>}, then {@code
 * READY}. Arguments: {@code DIR COUNT}; endpoint n keeps its objects under {@code DIR/n}.
 */
public final class S3Servers {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    List<S3ProxyServer> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      S3ProxyServer s = S3ProxyServer.startOnDisk(dir.resolve(Integer.toString(i)));
      servers.add(s);
      System.out.println("ENDPOINT " + i + " " + s.endpoint());
    }
    System.out.println("ACCESS_KEY " + S3ProxyServer.ACCESS_KEY);
    System.out.println("SECRET_KEY " + S3ProxyServer.SECRET_KEY);
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the benchmark script closes our standard input
    }
    for (S3ProxyServer s : servers) {
      s.close();
    }
    System.exit(0);
  }
}
