package io.skyrelay.gateway.s3;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Tells the client which region served an object ({@code x-skyrelay-served-from}): the front end's
 * store runs on the request's thread, and this filter makes the response reachable from there.
 */
final class ServedFrom implements Filter {

  static final String HEADER = "x-skyrelay-served-from";

  private static final ThreadLocal<HttpServletResponse> CURRENT = new ThreadLocal<>();

  /** Sets the header on the response being prepared on this thread, if any. */
  static void tell(String region) {
    HttpServletResponse r = CURRENT.get();
    if (r != null && !r.isCommitted()) {
      r.setHeader(HEADER, region);
    }
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (response instanceof HttpServletResponse http) {
      CURRENT.set(http);
    }
    try {
      chain.doFilter(request, response);
    } finally {
      CURRENT.remove();
    }
  }
}
