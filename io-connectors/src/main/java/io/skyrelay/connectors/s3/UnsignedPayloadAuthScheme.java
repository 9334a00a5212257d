package io.skyrelay.connectors.s3;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 as the SDK does it over HTTPS, also over plain HTTP: request bodies are not hashed into the
 * signature ({@code UNSIGNED-PAYLOAD}) and not sent in signed {@code aws-chunked} frames.
 *
 * <p>Over plain HTTP the SDK always signs the payload, hashing every byte with SHA-256 and, for
 * streamed bodies, framing it in signed 128 KiB chunks: for a copy of many small objects that is
 * about a tenth of the client's CPU. The headers (including {@code Content-MD5} where the caller
 * knows the digest) are still signed, so the request cannot be replayed with other headers, and the
 * replication job checks every copy end to end (the MD5 of the bytes read against the ETag the
 * destination reports). Stores that need the signed payload set {@code sign-payload: true}.
 */
final class UnsignedPayloadAuthScheme implements AwsV4AuthScheme {

  private final AwsV4HttpSigner signer = new Signer(AwsV4HttpSigner.create());

  @Override
  public String schemeId() {
    return SCHEME_ID;
  }

  @Override
  public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
    return providers.identityProvider(AwsCredentialsIdentity.class);
  }

  @Override
  public AwsV4HttpSigner signer() {
    return signer;
  }

  /** Signs a plain-HTTP request as its HTTPS twin; the signature does not cover the scheme. */
  private record Signer(AwsV4HttpSigner delegate) implements AwsV4HttpSigner {

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
      SdkHttpRequest http = request.request();
      if (!"http".equals(http.protocol())) {
        return delegate.sign(request);
      }
      SignedRequest signed = delegate.sign(request.copy(r -> r.request(asHttps(http))));
      return signed.copy(r -> r.request(signed.request().toBuilder().protocol("http").build()));
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(
        AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
      return delegate.signAsync(request);
    }

    /** The same request over HTTPS, with the Host header the plain-HTTP request is sent with. */
    private static SdkHttpRequest asHttps(SdkHttpRequest http) {
      SdkHttpRequest.Builder b = http.toBuilder();
      if (http.firstMatchingHeader("Host").isEmpty()) {
        int port = http.port();
        b.putHeader("Host", port == 80 || port < 0 ? http.host() : http.host() + ":" + port);
      }
      return b.protocol("https").build();
    }
  }
}
