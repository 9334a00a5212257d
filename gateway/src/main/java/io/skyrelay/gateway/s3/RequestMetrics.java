package io.skyrelay.gateway.s3;

import io.skyrelay.gateway.metrics.GatewayMetrics;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * Counts each request of one region's endpoint into the gateway's metrics: its operation, status,
 * time, the body bytes that went in and out, and which region served an object read (the {@link
 * ServedFrom} header the store set).
 */
final class RequestMetrics implements Filter {

  private final String region;
  private final GatewayMetrics metrics;

  RequestMetrics(String region, GatewayMetrics metrics) {
    this.region = region;
    this.metrics = metrics;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest req)
        || !(response instanceof HttpServletResponse resp)) {
      chain.doFilter(request, response);
      return;
    }
    long start = System.nanoTime();
    String operation = S3Operation.of(req);
    CountingRequest in = new CountingRequest(req);
    CountingResponse out = new CountingResponse(resp);
    int status = 500;
    try {
      chain.doFilter(in, out);
      status = out.getStatus();
    } finally {
      metrics.request(
          region,
          operation,
          status,
          in.bytes,
          out.bytes,
          System.nanoTime() - start,
          out.getHeader(ServedFrom.HEADER));
    }
  }

  private static final class CountingRequest extends HttpServletRequestWrapper {
    long bytes;
    private ServletInputStream stream;

    CountingRequest(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream =
            new ServletInputStream() {
              @Override
              public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                  bytes++;
                }
                return b;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                  bytes += n;
                }
                return n;
              }

              @Override
              public boolean isFinished() {
                return in.isFinished();
              }

              @Override
              public boolean isReady() {
                return in.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
              }

              @Override
              public void close() throws IOException {
                in.close();
              }
            };
      }
      return stream;
    }
  }

  private static final class CountingResponse extends HttpServletResponseWrapper {
    long bytes;
    private ServletOutputStream stream;

    CountingResponse(HttpServletResponse response) {
      super(response);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (stream == null) {
        ServletOutputStream out = super.getOutputStream();
        stream =
            new ServletOutputStream() {
              @Override
              public void write(int b) throws IOException {
                out.write(b);
                bytes++;
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                bytes += len;
              }

              @Override
              public void flush() throws IOException {
                out.flush();
              }

              @Override
              public void close() throws IOException {
                out.close();
              }

              @Override
              public boolean isReady() {
                return out.isReady();
              }

              @Override
              public void setWriteListener(WriteListener listener) {
                out.setWriteListener(listener);
              }
            };
      }
      return stream;
    }
  }
}
