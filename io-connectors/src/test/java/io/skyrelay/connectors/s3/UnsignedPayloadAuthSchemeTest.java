package io.skyrelay.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * What the signer sends over plain HTTP: the SDK's own signer frames and hashes the body; ours
 * sends it as it is, with the headers signed. (S3ConformanceTest shows S3Proxy accepts both.)
 */
class UnsignedPayloadAuthSchemeTest {

  private static final String BODY = "hello, object store";

  private static SignedRequest sign(HttpSigner<AwsCredentialsIdentity> signer, String protocol) {
    SdkHttpRequest http =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.PUT)
            .protocol(protocol)
            .host("127.0.0.1")
            .port(9000)
            .encodedPath("/bucket/key")
            .putHeader("Content-Length", Integer.toString(BODY.length()))
            .build();
    // the properties S3's auth scheme provider gives a PutObject
    SignRequest<AwsCredentialsIdentity> request =
        SignRequest.builder(AwsCredentialsIdentity.create("AKIDEXAMPLE", "secret"))
            .request(http)
            .payload(ContentStreamProvider.fromUtf8String(BODY))
            .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
            .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
            .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
            .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
            .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)
            .build();
    return signer.sign(request);
  }

  private static String body(SignedRequest signed) throws IOException {
    try (InputStream in = signed.payload().orElseThrow().newStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String header(SignedRequest signed, String name) {
    return signed.request().firstMatchingHeader(name).orElse(null);
  }

  @Test
  void overPlainHttpTheBodyIsSentAsItIsWithItsHeadersSigned() throws IOException {
    SignedRequest signed = sign(new UnsignedPayloadAuthScheme().signer(), "http");
    assertEquals("http", signed.request().protocol());
    assertEquals("UNSIGNED-PAYLOAD", header(signed, "x-amz-content-sha256"));
    assertEquals("127.0.0.1:9000", header(signed, "Host"));
    assertEquals(BODY, body(signed));
    assertEquals(
        true,
        header(signed, "Authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE"));
  }

  @Test
  void theSdksOwnSignerFramesAndHashesTheBodyOverPlainHttp() throws IOException {
    SignedRequest signed = sign(AwsV4HttpSigner.create(), "http");
    assertEquals("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", header(signed, "x-amz-content-sha256"));
    assertNotEquals(BODY, body(signed));
  }

  @Test
  void overHttpsItSignsAsTheSdkDoes() throws IOException {
    SignedRequest ours = sign(new UnsignedPayloadAuthScheme().signer(), "https");
    SignedRequest sdks = sign(AwsV4HttpSigner.create(), "https");
    assertEquals(header(sdks, "x-amz-content-sha256"), header(ours, "x-amz-content-sha256"));
    assertEquals("https", ours.request().protocol());
    assertEquals(body(sdks), body(ours));
  }
}
