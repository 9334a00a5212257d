package io.skyrelay.gateway.s3;

/**
 * The largest requests an endpoint accepts: S3's own limits, so that what a client can send to S3
 * it can send here, and no more. A request over them is refused with {@code EntityTooLarge} from
 * its headers, before its body is read.
 */
final class RequestLimits {

  private RequestLimits() {}

  /** The largest object one PutObject may carry (5 GiB); larger ones are uploaded in parts. */
  static final long MAX_PUT_BYTES = 5L * 1024 * 1024 * 1024;

  /**
   * The largest body signed with its whole SHA-256 (not chunked) that is accepted (128 MiB). Such a
   * body is read into memory to check its hash before the store sees it; chunked and
   * unsigned-payload bodies, what the AWS SDKs and CLI send by default, are streamed.
   */
  static final long MAX_SIGNED_BODY_BYTES = 128L * 1024 * 1024;
}
