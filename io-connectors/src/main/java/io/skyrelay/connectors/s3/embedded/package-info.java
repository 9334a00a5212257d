/**
 * An S3-compatible server (S3Proxy) started inside the JVM, for tests, benchmarks and the
 * self-contained demo. S3Proxy is an optional dependency: callers of this package add {@code
 * org.gaul:s3proxy} to their own classpath.
 */
package io.skyrelay.connectors.s3.embedded;
