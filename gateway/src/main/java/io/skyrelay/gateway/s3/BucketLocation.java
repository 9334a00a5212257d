package io.skyrelay.gateway.s3;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * GetBucketLocation of a bucket that does not exist answers {@code NoSuchBucket}, as S3 does.
 * S3Proxy answers GetBucketLocation itself, for any bucket name, once the request is authenticated;
 * this filter keeps its (small) answer back until it knows the bucket exists, so an unauthenticated
 * caller still learns nothing about which buckets exist.
 */
final class BucketLocation implements Filter {

  private final VirtualBucketStore store;

  BucketLocation(VirtualBucketStore store) {
    this.store = store;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String bucket = locationRequestBucket(request);
    if (bucket == null || !(response instanceof HttpServletResponse http)) {
      chain.doFilter(request, response);
      return;
    }
    Held held = new Held(http);
    chain.doFilter(request, held);
    if (held.getStatus() == HttpServletResponse.SC_OK && !store.containerExists(bucket)) {
      http.resetBuffer();
      http.setStatus(HttpServletResponse.SC_NOT_FOUND);
      http.setContentType("application/xml; charset=UTF-8");
      byte[] body =
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
                  + "<Message>The specified bucket does not exist</Message><BucketName>"
                  + xml(bucket)
                  + "</BucketName></Error>")
              .getBytes(StandardCharsets.UTF_8);
      http.setContentLength(body.length);
      http.getOutputStream().write(body);
      return;
    }
    byte[] body = held.body();
    http.setContentLength(body.length);
    http.getOutputStream().write(body);
  }

  /** The bucket of a path-style {@code GET /bucket?location}, or {@code null} for others. */
  private static String locationRequestBucket(ServletRequest request) {
    if (!(request instanceof HttpServletRequest http)
        || !"GET".equals(http.getMethod())
        || http.getQueryString() == null
        || http.getParameter("location") == null) {
      return null;
    }
    String path = http.getRequestURI();
    if (path == null || path.length() < 2) {
      return null;
    }
    String bucket = path.substring(1);
    if (bucket.endsWith("/")) {
      bucket = bucket.substring(0, bucket.length() - 1);
    }
    return bucket.isEmpty() || bucket.contains("/") ? null : bucket;
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A response whose body is kept back (it is a few hundred bytes) rather than sent. */
  private static final class Held extends HttpServletResponseWrapper {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private PrintWriter writer;

    Held(HttpServletResponse response) {
      super(response);
    }

    byte[] body() {
      if (writer != null) {
        writer.flush();
      }
      return bytes.toByteArray();
    }

    @Override
    public ServletOutputStream getOutputStream() {
      return new ServletOutputStream() {
        @Override
        public void write(int b) {
          bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          bytes.write(b, off, len);
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
          throw new UnsupportedOperationException("the location answer is written blocking");
        }
      };
    }

    @Override
    public PrintWriter getWriter() {
      if (writer == null) {
        writer = new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
      }
      return writer;
    }

    @Override
    public void flushBuffer() {}

    @Override
    public void setContentLength(int len) {}

    @Override
    public void setContentLengthLong(long len) {}
  }
}
