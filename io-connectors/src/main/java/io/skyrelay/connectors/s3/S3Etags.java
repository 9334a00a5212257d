package io.skyrelay.connectors.s3;

import java.util.Locale;

/** S3 ETags: quoting as the protocol wants them, and which of them are the content's MD5. */
final class S3Etags {

  private S3Etags() {}

  static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  static String quote(String etag) {
    return etag.startsWith("\"") || etag.equals("*") ? etag : "\"" + etag + "\"";
  }

  /**
   * The MD5 an ETag stands for, given the object's encryption as a HEAD, GET or upload reports it.
   * Objects encrypted with SSE-KMS (also dual-layer) or with a customer key (SSE-C) have ETags that
   * are not the MD5 of their content, whatever their shape. Listings do not report encryption, so a
   * listed ETag is taken at its shape ({@link #md5Of(String)}); copies check it against the GET.
   */
  static String md5Of(String etag, String sse, String sseCustomerAlgorithm) {
    if (sseCustomerAlgorithm != null || (sse != null && sse.startsWith("aws:kms"))) {
      return null;
    }
    return md5Of(etag);
  }

  /** A single-request upload's ETag is the hex MD5 of its content; a multipart one has a '-'. */
  static String md5Of(String etag) {
    return etag != null && etag.length() == 32 && etag.matches("[0-9a-fA-F]{32}")
        ? etag.toLowerCase(Locale.ROOT)
        : null;
  }
}
