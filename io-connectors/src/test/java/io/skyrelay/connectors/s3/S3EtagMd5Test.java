package io.skyrelay.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Which S3 ETags stand for the MD5 of the content. S3Proxy encrypts nothing, so the encryption
 * headers of real S3 (x-amz-server-side-encryption,
 * x-amz-server-side-encryption-customer-algorithm) are given here as a HEAD, GET or upload reports
 * them.
 */
class S3EtagMd5Test {

  private static final String ETAG = "5D41402ABC4B2A76B9719D911017C592";

  @Test
  void aSingleRequestUploadsEtagIsItsMd5WithoutEncryptionOrWithS3ManagedKeys() {
    assertEquals(ETAG.toLowerCase(), S3Etags.md5Of(ETAG, null, null));
    assertEquals(ETAG.toLowerCase(), S3Etags.md5Of(ETAG, "AES256", null));
  }

  @Test
  void etagsOfObjectsEncryptedWithKmsOrACustomerKeyAreNotMd5s() {
    assertNull(S3Etags.md5Of(ETAG, "aws:kms", null));
    assertNull(S3Etags.md5Of(ETAG, "aws:kms:dsse", null));
    assertNull(S3Etags.md5Of(ETAG, null, "AES256"));
  }

  @Test
  void multipartEtagsAreNotMd5s() {
    assertNull(S3Etags.md5Of(ETAG + "-3", null, null));
    assertNull(S3Etags.md5Of(null, null, null));
  }
}
