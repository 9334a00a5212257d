package io.skyrelay.pipelines.replicate;

import io.skyrelay.connectors.ObjectStoreProvider;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSetting;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.pipelines.common.Sizes;
import io.skyrelay.transforms.replicate.BandwidthLimit;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * How {@code replicate} sends and writes bytes: its bandwidth limit, and the storage class,
 * server-side encryption and canned ACL of what it writes, as the destinations' store settings.
 */
public final class TransferOptions {

  @Option(
      names = "--storage-class",
      paramLabel = "CLASS",
      description =
          "Storage class of the objects written: on s3:// STANDARD, STANDARD_IA, ONEZONE_IA,"
              + " INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE, ...; on az:// the access"
              + " tier Hot, Cool, Cold or Archive; on gs:// STANDARD, NEARLINE, COLDLINE or"
              + " ARCHIVE (store settings storage-class, access-tier).")
  String storageClass;

  @Option(
      names = "--sse",
      paramLabel = "ALGORITHM",
      description =
          "Server-side encryption of the objects written to s3://: AES256 (S3-managed keys) or"
              + " aws:kms (store setting server-side-encryption).")
  String sse;

  @Option(
      names = "--sse-kms-key-id",
      paramLabel = "KEY",
      description = "KMS key of --sse aws:kms (ID, ARN or alias; store setting sse-kms-key-id).")
  String sseKmsKeyId;

  @Option(
      names = "--acl",
      paramLabel = "ACL",
      description =
          "Canned ACL of the objects written to s3://: private, public-read,"
              + " bucket-owner-full-control, ... (store setting acl).")
  String acl;

  @Option(
      names = "--bwlimit",
      paramLabel = "RATE",
      converter = Rates.class,
      description =
          "Send at most RATE bytes per second, for the whole job across all its workers (not per"
              + " worker): 10M (MiB/s), 512k (KiB/s), 1.5G, 10MB, or a plain number of bytes per"
              + " second; 0 or off for no limit. Copies a store makes itself (server-side) are not"
              + " limited; add --no-server-side-copy to pace them too.")
  long bwlimit;

  /**
   * {@code destination} with the store settings these options stand for, checked against the
   * settings its store declares.
   *
   * @throws IllegalArgumentException naming the option and the valid values, when the store has no
   *     such setting or the value is not one of them
   */
  StoreLocation applyTo(StoreLocation destination) {
    String scheme = destination.uri().scheme();
    Map<String, String> wanted = new LinkedHashMap<>();
    if (storageClass != null) {
      wanted.put("--storage-class", scheme.equals("az") ? "access-tier" : "storage-class");
    }
    if (sse != null) {
      wanted.put("--sse", "server-side-encryption");
    }
    if (sseKmsKeyId != null) {
      wanted.put("--sse-kms-key-id", "sse-kms-key-id");
    }
    if (acl != null) {
      wanted.put("--acl", "acl");
    }
    StoreSettings settings = destination.settings();
    ObjectStoreProvider provider = ObjectStores.provider(scheme);
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      String option = w.getKey();
      String value =
          switch (option) {
            case "--storage-class" -> storageClass;
            case "--sse" -> sse;
            case "--sse-kms-key-id" -> sseKmsKeyId;
            default -> acl;
          };
      StoreSetting setting =
          ObjectStores.setting(provider, w.getValue())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          option
                              + ": "
                              + scheme
                              + ":// stores have no "
                              + w.getValue()
                              + " ("
                              + destination.uri()
                              + ")"));
      try {
        setting.check(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            option + " for " + destination.uri() + ": " + e.getMessage());
      }
      settings = settings.with(w.getValue(), value);
    }
    boolean kms =
        settings
            .get("server-side-encryption")
            .map(e -> e.trim().toLowerCase(java.util.Locale.ROOT).startsWith("aws:kms"))
            .orElse(false);
    if (sseKmsKeyId != null && !kms) {
      throw new IllegalArgumentException(
          "--sse-kms-key-id needs --sse aws:kms (or server-side-encryption: aws:kms for "
              + destination.uri()
              + " in the stores file)");
    }
    return new StoreLocation(
        destination.uri(), settings, destination.region(), destination.singleObject());
  }

  /**
   * The job's limit on {@code runner}: in one JVM (embedded Flink, the DirectRunner) that JVM's
   * bucket has the whole rate; on a cluster each TaskManager's has the share of the {@code
   * --parallelism} copy subtasks it runs.
   */
  BandwidthLimit bandwidth(RunnerOptions runner) {
    return BandwidthLimit.of(bwlimit, runner.embedded() ? 0 : runner.parallelism());
  }

  /**
   * Rates as rclone writes them ({@code 10M}, {@code 512k}, {@code 10M/s}, {@code off}), but a
   * plain number is bytes per second, not rclone's KiB/s; rclone's timetables and separate upload
   * and download rates are refused.
   */
  static final class Rates implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim();
      if (v.equalsIgnoreCase("off")) {
        return 0L;
      }
      if (v.toLowerCase(java.util.Locale.ROOT).endsWith("/s")) {
        v = v.substring(0, v.length() - 2);
      }
      long rate;
      try {
        rate = v.isEmpty() || v.contains(":") || v.contains(",") ? -1 : Sizes.parse(v);
      } catch (IllegalArgumentException e) {
        rate = -1;
      }
      if (rate < 0) {
        throw new TypeConversionException(
            "'"
                + value
                + "' is not a rate; write bytes per second as 10M (MiB/s), 512k (KiB/s), 1.5G,"
                + " 10MB, 1048576 or off (one rate for the whole job; no timetables)");
      }
      return rate;
    }
  }
}
