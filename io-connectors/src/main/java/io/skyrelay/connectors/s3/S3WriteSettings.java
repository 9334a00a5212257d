package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a bucket's objects are written and read, from its store settings: the headers every write
 * (PUT, CopyObject, CreateMultipartUpload) carries for storage class, server-side encryption and
 * canned ACL, and whether every request says the requester pays.
 *
 * @param writeHeaders {@code x-amz-storage-class}, {@code x-amz-server-side-encryption}, {@code
 *     x-amz-server-side-encryption-aws-kms-key-id}, {@code x-amz-acl}, as set
 * @param requesterPays send {@code x-amz-request-payer: requester} with every request
 */
record S3WriteSettings(Map<String, String> writeHeaders, boolean requesterPays) {

  static final List<String> STORAGE_CLASSES =
      List.of(
          "STANDARD",
          "REDUCED_REDUNDANCY",
          "STANDARD_IA",
          "ONEZONE_IA",
          "INTELLIGENT_TIERING",
          "GLACIER",
          "DEEP_ARCHIVE",
          "GLACIER_IR",
          "EXPRESS_ONEZONE");

  static final List<String> ENCRYPTIONS = List.of("AES256", "aws:kms", "aws:kms:dsse");

  static final List<String> ACLS =
      List.of(
          "private",
          "public-read",
          "public-read-write",
          "authenticated-read",
          "aws-exec-read",
          "bucket-owner-read",
          "bucket-owner-full-control");

  static final S3WriteSettings NONE = new S3WriteSettings(Map.of(), false);

  S3WriteSettings {
    writeHeaders = Map.copyOf(writeHeaders);
  }

  static S3WriteSettings of(StoreSettings settings, StoreUri uri) {
    Map<String, String> h = new TreeMap<>();
    settings
        .get("storage-class")
        .ifPresent(c -> h.put("x-amz-storage-class", c.trim().toUpperCase(Locale.ROOT)));
    settings
        .get("server-side-encryption")
        .ifPresent(
            e ->
                h.put(
                    "x-amz-server-side-encryption",
                    e.trim().equalsIgnoreCase("AES256")
                        ? "AES256"
                        : e.trim().toLowerCase(Locale.ROOT)));
    settings
        .get("sse-kms-key-id")
        .ifPresent(
            k -> {
              if (!h.getOrDefault("x-amz-server-side-encryption", "").startsWith("aws:kms")) {
                throw new InvalidStoreUriException(
                    "store setting sse-kms-key-id is set for "
                        + uri
                        + " but server-side-encryption is not aws:kms or aws:kms:dsse; set"
                        + " server-side-encryption: aws:kms with it");
              }
              h.put("x-amz-server-side-encryption-aws-kms-key-id", k.trim());
            });
    settings.get("acl").ifPresent(a -> h.put("x-amz-acl", a.trim().toLowerCase(Locale.ROOT)));
    return new S3WriteSettings(h, settings.getBoolean("requester-pays", false));
  }

  /**
   * Whether the objects this store writes have ETags that are not their MD5 (SSE-KMS): listings do
   * not say how an object is encrypted, so none of this bucket's listed ETags is taken for an MD5.
   */
  boolean etagsAreNotMd5() {
    return writeHeaders.getOrDefault("x-amz-server-side-encryption", "").startsWith("aws:kms");
  }
}
