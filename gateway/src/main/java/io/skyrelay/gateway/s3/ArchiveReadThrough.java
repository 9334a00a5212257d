package io.skyrelay.gateway.s3;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.gateway.archive.ArchiveTier;
import io.skyrelay.gateway.archive.ArchiveTiers;
import io.skyrelay.gateway.archive.MergedListing;
import io.skyrelay.gateway.namespace.CopyStatus;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.ObjectVersion;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 side of the archive tier, for one region's front end: HEAD and GET of a key that has no
 * ready version are answered from the bucket's archive store (conditions and ranges as for the hot
 * tier, {@code x-skyrelay-served-from: tier=archive; store=URI}), and a complete GET restores the
 * object when the bucket says so; listings merge both tiers.
 */
final class ArchiveReadThrough {

  private final String region;
  private final Namespace namespace;
  private final ArchiveTiers tiers;

  ArchiveReadThrough(String region, Namespace namespace, ArchiveTiers tiers) {
    this.region = region;
    this.namespace = namespace;
    this.tiers = tiers;
  }

  /** The bucket's archive tier when it has one and {@code key} has no ready version; else null. */
  ArchiveTier archiveOnly(String bucket, String key) {
    ArchiveTier tier = tiers.of(bucket);
    return tier != null && namespace.readyVersion(bucket, key).isEmpty() ? tier : null;
  }

  ArchiveTier tierOf(String bucket) {
    return tiers.of(bucket);
  }

  HeadObjectResponse head(ArchiveTier tier, HeadObjectRequest request) {
    ObjectInfo info = find(tier, request.bucket(), request.key());
    ObjectVersion v = asVersion(request.bucket(), request.key(), info);
    VirtualBucketStore.checkConditions(
        v,
        request.ifMatch(),
        request.ifNoneMatch(),
        request.ifModifiedSince(),
        request.ifUnmodifiedSince());
    ServedFrom.tell(servedFrom(tier));
    return HeadObjectResponse.builder()
        .contentLength(v.size())
        .contentType(v.contentType())
        .eTag(quote(v.etag()))
        .lastModified(v.createdAt())
        .metadata(v.metadata())
        .acceptRanges("bytes")
        .build();
  }

  /**
   * @param restore whether a complete read may restore the object (false when the key has a hot
   *     version whose copy is gone: there is nothing to restore it over)
   */
  ResponseInputStream<GetObjectResponse> get(
      ArchiveTier tier, GetObjectRequest request, boolean restore) {
    ObjectInfo info = find(tier, request.bucket(), request.key());
    ObjectVersion v = asVersion(request.bucket(), request.key(), info);
    VirtualBucketStore.checkConditions(
        v,
        request.ifMatch(),
        request.ifNoneMatch(),
        request.ifModifiedSince(),
        request.ifUnmodifiedSince());
    ByteRange range = VirtualBucketStore.parseRange(request.range(), v.size());
    InputStream body;
    try {
      body =
          v.size() == 0
              ? InputStream.nullInputStream()
              : tier.read(request.key(), range, info.etag());
    } catch (PreconditionFailedException e) {
      throw S3Errors.of(503, "SlowDown", "the archived object changed while being read; retry");
    } catch (StoreException e) {
      throw S3Errors.internal("reading from the archive " + tier.uri() + ": " + e.getMessage());
    }
    if (range == null && restore && tier.restores()) {
      body =
          tiers.restorer().restoring(request.bucket(), request.key(), region, info, v.etag(), body);
    }
    ServedFrom.tell(servedFrom(tier));
    return VirtualBucketStore.response(v, range, body);
  }

  ListObjectsV2Response list(ArchiveTier tier, ListObjectsV2Request request) {
    String bucket = request.bucket();
    String prefix = request.prefix() == null ? "" : request.prefix();
    String delimiter =
        request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
    int maxKeys = request.maxKeys() == null ? 1000 : Math.max(0, Math.min(1000, request.maxKeys()));
    MergedListing.Page page;
    try {
      page =
          MergedListing.list(
              (p, from, inclusive, limit) -> namespace.list(bucket, p, from, inclusive, limit),
              tier,
              prefix,
              delimiter,
              maxKeys,
              request.continuationToken(),
              request.startAfter());
    } catch (StoreException e) {
      throw S3Errors.internal("listing the archive " + tier.uri() + ": " + e.getMessage());
    }
    List<S3Object> contents = new ArrayList<>();
    List<CommonPrefix> prefixes = new ArrayList<>();
    for (MergedListing.Entry e : page.entries()) {
      if (e.commonPrefix()) {
        prefixes.add(CommonPrefix.builder().prefix(e.name()).build());
      } else {
        contents.add(
            S3Object.builder()
                .key(e.name())
                .size(e.size())
                .eTag(quote(e.etag()))
                .lastModified(e.lastModified())
                // the gateway serves archived objects directly: clients need not restore them
                .storageClass("STANDARD")
                .build());
      }
    }
    return ListObjectsV2Response.builder()
        .name(bucket)
        .prefix(prefix)
        .delimiter(delimiter)
        .maxKeys(maxKeys)
        .keyCount(contents.size() + prefixes.size())
        .contents(contents)
        .commonPrefixes(prefixes)
        .isTruncated(page.truncated())
        .continuationToken(request.continuationToken())
        .startAfter(request.startAfter())
        .nextContinuationToken(page.nextToken())
        .build();
  }

  private static ObjectInfo find(ArchiveTier tier, String bucket, String key) {
    try {
      return tier.find(key).orElseThrow(() -> S3Exceptions.noSuchKey(bucket, key, null));
    } catch (StoreException e) {
      throw S3Errors.internal("reading from the archive " + tier.uri() + ": " + e.getMessage());
    }
  }

  /** The archived object as a version, so that conditions and ranges are checked as for hot. */
  private static ObjectVersion asVersion(String bucket, String key, ObjectInfo info) {
    return new ObjectVersion(
        "archive",
        bucket,
        key,
        info.size(),
        ArchiveTier.etagOf(info),
        info.md5(),
        info.contentType(),
        info.metadata(),
        CopyStatus.READY,
        null,
        info.lastModified() == null ? Instant.EPOCH : info.lastModified(),
        List.of());
  }

  private static String servedFrom(ArchiveTier tier) {
    return "tier=archive; store=" + tier.uri();
  }

  private static String quote(String etag) {
    return VirtualBucketStore.quote(etag);
  }
}
