package io.skyrelay.gateway.s3;

import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import io.skyrelay.gateway.metrics.GatewayMetrics;
import jakarta.servlet.DispatcherType;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.gaul.shaded.org.eclipse.jetty.server.Handler;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 endpoint of one region: an embedded S3Proxy (the S3 protocol, SigV4 and V2 signatures
 * checked against the configured keys) over a {@link VirtualBucketStore}.
 */
public final class RegionEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RegionEndpoint.class);

  private final String region;
  private final S3Proxy proxy;
  private final URI uri;

  private RegionEndpoint(String region, S3Proxy proxy, URI uri) {
    this.region = region;
    this.proxy = proxy;
    this.uri = uri;
  }

  /**
   * Starts listening on {@code host:port} (port 0: a free one).
   *
   * @param keys the access keys a request may be signed with (at least one)
   * @param metrics where the endpoint counts its requests
   */
  public static RegionEndpoint start(
      String region,
      String host,
      int port,
      VirtualBucketStore store,
      List<AccessKey> keys,
      GatewayMetrics metrics)
      throws Exception {
    AccessKey first = keys.get(0);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, first.id(), first.secret())
            .endpoint(URI.create("http://" + host + ":" + port))
            .ignoreUnknownHeaders(true)
            .maxSinglePartObjectSize(RequestLimits.MAX_PUT_BYTES)
            .v4MaxNonChunkedRequestSize(RequestLimits.MAX_SIGNED_BODY_BYTES)
            .build();
    Map<String, String> secrets =
        keys.stream().collect(Collectors.toMap(AccessKey::id, AccessKey::secret));
    proxy.setBlobStoreLocator(
        (identity, container, blob) -> {
          String secret = identity == null ? null : secrets.get(identity);
          return secret == null ? null : new AccessGrant(secret, store);
        });
    addFilters(proxy, new RequestMetrics(region, metrics), store);
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the S3 endpoint of region " + region + " did not start within 30 s");
      }
      Thread.sleep(5);
    }
    String shownHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
    return new RegionEndpoint(
        region, proxy, URI.create("http://" + shownHost + ":" + proxy.getPort()));
  }

  /**
   * Puts {@link RequestMetrics} and {@link ServedFrom} in front of S3Proxy's servlet. S3Proxy has
   * no hook for response headers of our own, so the servlet context is reached through its
   * (private) server; should a later S3Proxy change that, the gateway still serves, without the
   * header and the request metrics.
   */
  private static void addFilters(S3Proxy proxy, RequestMetrics metrics, VirtualBucketStore store) {
    try {
      Field f = S3Proxy.class.getDeclaredField("server");
      f.setAccessible(true);
      Handler h = ((Server) f.get(proxy)).getHandler();
      while (h != null && !(h instanceof ServletContextHandler)) {
        h = h instanceof Handler.Singleton s ? s.getHandler() : null;
      }
      if (h instanceof ServletContextHandler context) {
        context.addFilter(metrics, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new ServedFrom(), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new BucketLocation(store), "/*", EnumSet.of(DispatcherType.REQUEST));
        return;
      }
      LOG.warn("S3Proxy's servlet context not found; responses lack {}", ServedFrom.HEADER);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot add {} to S3Proxy's responses: {}", ServedFrom.HEADER, e.toString());
    }
  }

  public String region() {
    return region;
  }

  /** The endpoint clients use ({@code http://host:port}). */
  public URI uri() {
    return uri;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      LOG.warn("the S3 endpoint of region {} did not stop cleanly: {}", region, e.toString());
    }
  }
}
