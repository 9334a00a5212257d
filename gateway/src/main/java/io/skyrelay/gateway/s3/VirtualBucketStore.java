package io.skyrelay.gateway.s3;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.HashingInputStream;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.gateway.archive.ArchiveTier;
import io.skyrelay.gateway.archive.ArchiveTiers;
import io.skyrelay.gateway.namespace.BucketNames;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.gateway.namespace.Namespace.BucketDeletion;
import io.skyrelay.gateway.namespace.Namespace.NoSuchBucketException;
import io.skyrelay.gateway.namespace.Namespace.PendingUpload;
import io.skyrelay.gateway.namespace.Namespace.UploadedPart;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.gateway.namespace.PhysicalCopy;
import io.skyrelay.gateway.namespace.VirtualBucket;
import io.skyrelay.gateway.placement.Placement;
import io.skyrelay.gateway.placement.RegionStore;
import io.skyrelay.gateway.placement.Replicator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectResult;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The virtual buckets as S3Proxy sees them, through the gateway of one region: bucket and object
 * operations map onto the namespace, bytes onto the regions' physical stores, streamed.
 *
 * <p>A PUT stores the bytes in this region's store under a key of their own (pending), verifies
 * size and MD5, then commits the version (ready) before answering; the policy's other regions are
 * filled afterwards by the {@link Replicator}. A GET serves the copy the bucket's policy picks
 * ({@link Placement}: this region's, else the cheapest to read from here) and says which in {@code
 * x-skyrelay-served-from}; under a pull policy a read from elsewhere leaves a copy here.
 */
public final class VirtualBucketStore implements BlobStore {

  private static final Logger LOG = LoggerFactory.getLogger(VirtualBucketStore.class);
  private static final int MAX_KEY_BYTES = 1024;

  private final String region;
  private final Namespace namespace;
  private final Map<String, RegionStore> regions;
  private final List<String> labels;
  private final Replicator replicator;
  private final String defaultPolicy;
  private final ArchiveReadThrough archive;
  private final Placement placement;

  /**
   * @param region the region this front end serves
   * @param labels every region label, in configuration order
   * @param placement the buckets' policies, run live
   * @param archives the archive tiers of the buckets that have one
   */
  public VirtualBucketStore(
      String region,
      Namespace namespace,
      Map<String, RegionStore> regions,
      List<String> labels,
      Replicator replicator,
      String defaultPolicy,
      Placement placement,
      ArchiveTiers archives) {
    this.archive = new ArchiveReadThrough(region, namespace, archives);
    this.region = region;
    this.namespace = namespace;
    this.regions = Map.copyOf(regions);
    this.labels = List.copyOf(labels);
    this.replicator = replicator;
    this.defaultPolicy = defaultPolicy;
    this.placement = placement;
  }

  // ---- buckets ------------------------------------------------------------------------------

  @Override
  public ListBucketsResponse list() {
    List<Bucket> buckets = new ArrayList<>();
    for (VirtualBucket b : namespace.buckets()) {
      buckets.add(Bucket.builder().name(b.name()).creationDate(b.createdAt()).build());
    }
    return ListBucketsResponse.builder().buckets(buckets).build();
  }

  @Override
  public HeadBucketResponse headBucket(HeadBucketRequest request) {
    bucket(request.bucket());
    return HeadBucketResponse.builder().build();
  }

  @Override
  public boolean containerExists(String container) {
    return namespace.bucket(container).isPresent();
  }

  @Override
  public CreateBucketResponse createContainer(CreateBucketRequest request) {
    String problem = BucketNames.problem(request.bucket());
    if (problem != null) {
      throw S3Errors.of(400, "InvalidBucketName", problem);
    }
    if (!namespace.createBucket(request.bucket(), defaultPolicy)) {
      throw S3Exceptions.bucketAlreadyOwnedByYou(request.bucket());
    }
    return CreateBucketResponse.builder().location("/" + request.bucket()).build();
  }

  @Override
  public void deleteBucket(String container) {
    replicator.removeObsoleteNow();
    BucketDeletion d;
    try {
      d = namespace.deleteBucket(container);
    } catch (IllegalStateException e) {
      throw S3Errors.of(409, "OperationAborted", e.getMessage());
    }
    switch (d) {
      case NOT_FOUND -> throw S3Exceptions.noSuchBucket(container, null);
      case NOT_EMPTY -> throw S3Exceptions.bucketNotEmpty(container);
      case DELETED -> {}
    }
  }

  @Override
  public BucketCannedACL getContainerAccess(String container) {
    bucket(container);
    return BucketCannedACL.PRIVATE;
  }

  @Override
  public void setContainerAccess(String container, BucketCannedACL access) {
    throw S3Errors.notImplemented("setting a bucket ACL");
  }

  // ---- listing ------------------------------------------------------------------------------

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    String bucket = request.bucket();
    bucket(bucket);
    ArchiveTier tier = archive.tierOf(bucket);
    if (tier != null) {
      return archive.list(tier, request);
    }
    String prefix = request.prefix() == null ? "" : request.prefix();
    String delimiter =
        request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
    int maxKeys = request.maxKeys() == null ? 1000 : Math.max(0, Math.min(1000, request.maxKeys()));
    // The marker is the last key or common prefix returned (stateless, as S3 clients expect of
    // start-after): listing resumes strictly after it, and after every key a prefix rolled up.
    String marker =
        request.continuationToken() != null ? request.continuationToken() : request.startAfter();

    List<S3Object> contents = new ArrayList<>();
    List<CommonPrefix> prefixes = new ArrayList<>();
    String from = marker;
    boolean inclusive = false;
    if (marker != null && delimiter != null && isRolledUp(marker, prefix, delimiter)) {
      from = successor(marker);
      inclusive = true;
    }
    String last = null;
    boolean truncated = false;
    outer:
    while (maxKeys > 0) {
      List<ObjectVersion> batch =
          namespace.list(bucket, prefix, from, inclusive, Math.max(1, Math.min(1000, maxKeys + 1)));
      if (batch.isEmpty()) {
        break;
      }
      for (ObjectVersion v : batch) {
        String key = v.key();
        String rolled = delimiter == null ? null : rollUp(key, prefix, delimiter);
        if (contents.size() + prefixes.size() >= maxKeys) {
          truncated = true;
          break outer;
        }
        if (rolled != null) {
          prefixes.add(CommonPrefix.builder().prefix(rolled).build());
          last = rolled;
          String next = successor(rolled);
          if (next == null) {
            break outer;
          }
          from = next;
          inclusive = true;
          continue outer;
        }
        contents.add(
            S3Object.builder()
                .key(key)
                .size(v.size())
                .eTag(quote(v.etag()))
                .lastModified(v.createdAt())
                .storageClass("STANDARD")
                .build());
        last = key;
        from = key;
        inclusive = false;
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
        .isTruncated(truncated)
        .continuationToken(request.continuationToken())
        .startAfter(request.startAfter())
        .nextContinuationToken(truncated ? last : null)
        .build();
  }

  /** The common prefix {@code key} rolls up into, or {@code null} when it is listed itself. */
  static String rollUp(String key, String prefix, String delimiter) {
    int at = key.indexOf(delimiter, prefix.length());
    return at < 0 ? null : key.substring(0, at + delimiter.length());
  }

  private static boolean isRolledUp(String marker, String prefix, String delimiter) {
    return marker.startsWith(prefix)
        && marker.endsWith(delimiter)
        && marker.indexOf(delimiter, prefix.length()) == marker.length() - delimiter.length();
  }

  /** The least string after every string that starts with {@code p}; {@code null} if none. */
  static String successor(String p) {
    StringBuilder b = new StringBuilder(p);
    while (b.length() > 0) {
      char c = b.charAt(b.length() - 1);
      if (c != Character.MAX_VALUE) {
        b.setCharAt(b.length() - 1, (char) (c + 1));
        return b.toString();
      }
      b.setLength(b.length() - 1);
    }
    return null;
  }

  // ---- objects ------------------------------------------------------------------------------

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream in) {
    checkKey(request.key());
    Long length = request.contentLength();
    if (length == null || length < 0) {
      throw S3Errors.of(411, "MissingContentLength", "a PUT needs a Content-Length");
    }
    String md5 =
        write(
            request.bucket(),
            request.key(),
            request.contentType(),
            request.metadata(),
            in,
            length,
            md5Hex(request.contentMD5()));
    return PutObjectResponse.builder().eTag(quote(md5)).build();
  }

  /**
   * Stores a new version of {@code key} from {@code in} in this region and commits it (two-phase:
   * pending until stored and verified, then ready), then queues its replicas.
   *
   * @return the hex MD5 of the bytes (the new version's ETag)
   */
  private String write(
      String bucket,
      String key,
      String contentType,
      Map<String, String> metadata,
      InputStream in,
      long length,
      String promisedMd5) {
    VirtualBucket vb = bucket(bucket);
    String policy = vb.policy();
    RegionStore here = regions.get(placement.homeRegion(policy, region));
    ObjectVersion pending;
    try {
      pending = namespace.beginWrite(bucket, key, here.label(), contentType, metadata);
    } catch (NoSuchBucketException e) {
      throw S3Exceptions.noSuchBucket(bucket, null);
    }
    String physicalKey = pending.copies().get(0).physicalKey();
    boolean stored = false;
    HashingInputStream hashed = HashingInputStream.of(in);
    try {
      PutOptions options = PutOptions.of(contentType, Map.of());
      if (promisedMd5 != null) {
        options = options.withMd5(promisedMd5); // a store that can check it refuses the body
      }
      WriteResult w = here.store().put(physicalKey, hashed, length, options);
      stored = true;
      String md5 = hashed.md5Hex();
      if (hashed.count() != length) {
        throw S3Errors.of(
            400,
            "IncompleteBody",
            "the body had " + hashed.count() + " bytes, Content-Length said " + length);
      }
      if (promisedMd5 != null && !promisedMd5.equals(md5)) {
        throw S3Errors.of(400, "BadDigest", "the Content-MD5 does not match the body");
      }
      verifyStored(here, physicalKey, length, md5, w);
      commit(policy, pending, length, md5, md5);
      return md5;
    } catch (RuntimeException e) {
      abort(pending.versionId(), here, physicalKey, stored);
      if (promisedMd5 != null && hashed.count() == length && !promisedMd5.equals(hashed.md5Hex())) {
        throw S3Errors.of(400, "BadDigest", "the Content-MD5 does not match the body");
      }
      throw translate(e, bucket, key);
    }
  }

  /** Makes a stored and verified pending version ready, and queues its replicas. */
  private void commit(String policy, ObjectVersion pending, long size, String etag, String md5) {
    List<String> replicas = placement.replicasAfterWrite(policy, pending.baseRegion());
    List<String> superseded = namespace.commitWrite(pending.versionId(), size, etag, md5, replicas);
    if (!replicas.isEmpty()) {
      namespace
          .readyVersion(pending.bucket(), pending.key())
          .ifPresent(v -> replicator.replicate(withAll(v)));
    }
    if (!superseded.isEmpty()) {
      replicator.removeObsoleteSoon();
    }
  }

  /** The version with all its copies (the replicator needs the pending ones too). */
  private ObjectVersion withAll(ObjectVersion ready) {
    return namespace.versions(ready.bucket(), ready.key()).stream()
        .filter(v -> v.versionId().equals(ready.versionId()))
        .findFirst()
        .orElse(ready);
  }

  private static void verifyStored(
      RegionStore here, String physicalKey, long length, String md5, WriteResult w) {
    if (md5.equals(w.etag()) && w.size() == length) {
      return; // the store's ETag is the MD5 of what it stored (disk, S3 single part)
    }
    var info = here.store().head(physicalKey);
    if (info.size() != length || (info.md5() != null && !info.md5().equals(md5))) {
      throw S3Errors.internal(
          "the copy stored in region " + here.label() + " does not match the bytes received");
    }
  }

  private void abort(String versionId, RegionStore here, String physicalKey, boolean stored) {
    try {
      if (stored) {
        here.store().delete(physicalKey);
      }
      namespace.abortWrite(versionId);
    } catch (RuntimeException cleanup) {
      LOG.warn("cleaning up a failed write in {}: {}", region, cleanup.getMessage());
    }
  }

  @Override
  public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
    ArchiveTier tier = archive.archiveOnly(request.bucket(), request.key());
    if (tier != null) {
      return archive.head(tier, request);
    }
    ObjectVersion v = ready(request.bucket(), request.key());
    checkConditions(
        v,
        request.ifMatch(),
        request.ifNoneMatch(),
        request.ifModifiedSince(),
        request.ifUnmodifiedSince());
    placement.copyToRead(region, v).ifPresent(c -> ServedFrom.tell(c.region()));
    return HeadObjectResponse.builder()
        .contentLength(v.size())
        .contentType(v.contentType())
        .eTag(quote(v.etag()))
        .lastModified(v.createdAt())
        .metadata(v.metadata())
        .acceptRanges("bytes")
        .build();
  }

  @Override
  public HeadObjectResponse blobMetadataIfPresent(HeadObjectRequest request) {
    try {
      return blobMetadata(request);
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

  @Override
  public boolean blobExists(String container, String name) {
    return namespace.readyVersion(container, name).isPresent();
  }

  @Override
  public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
    ArchiveTier tier = archive.archiveOnly(request.bucket(), request.key());
    if (tier != null) {
      return archive.get(tier, request, true);
    }
    ObjectVersion v = ready(request.bucket(), request.key());
    checkConditions(
        v,
        request.ifMatch(),
        request.ifNoneMatch(),
        request.ifModifiedSince(),
        request.ifUnmodifiedSince());
    ByteRange range = parseRange(request.range(), v.size());
    Placement.Served served;
    try {
      served =
          placement
              .read(bucket(request.bucket()).policy(), v, region, range)
              .orElseThrow(
                  () -> S3Errors.internal("no ready copy of " + request.key() + " in any region"));
    } catch (ObjectNotFoundException e) {
      if (archive.tierOf(request.bucket()) != null) {
        // the sync job's archive mode moved the object out of the location it was imported from
        return archive.get(archive.tierOf(request.bucket()), request, false);
      }
      throw S3Errors.internal("a copy of " + request.key() + " is missing from its store");
    } catch (StoreException e) {
      throw S3Errors.internal("reading a copy of " + request.key() + ": " + e.getMessage());
    }
    InputStream body = served.body();
    ServedFrom.tell(served.region());
    return response(v, range, body);
  }

  /** A GET's answer: {@code v}'s headers, {@code range} of its bytes (or all), and the body. */
  static ResponseInputStream<GetObjectResponse> response(
      ObjectVersion v, ByteRange range, InputStream body) {
    GetObjectResponse.Builder r =
        GetObjectResponse.builder()
            .contentType(v.contentType())
            .eTag(quote(v.etag()))
            .lastModified(v.createdAt())
            .metadata(v.metadata())
            .acceptRanges("bytes")
            .contentLength(range == null ? v.size() : range.length());
    if (range != null) {
      r.contentRange("bytes " + range.first() + "-" + range.last() + "/" + v.size());
    }
    return new ResponseInputStream<>(r.build(), AbortableInputStream.create(body));
  }

  /** The bytes a {@code Range} header asks for, or {@code null} for the whole object. */
  static ByteRange parseRange(String header, long size) {
    if (header == null) {
      return null;
    }
    String spec = header.substring("bytes=".length());
    String[] parts = spec.split("-", 2);
    long first;
    long last;
    if (parts[0].isEmpty()) {
      long tail = Long.parseLong(parts[1]);
      if (tail == 0 || size == 0) {
        throw S3Errors.invalidRange("the range " + header + " is not satisfiable");
      }
      first = Math.max(0, size - tail);
      last = size - 1;
    } else {
      first = Long.parseLong(parts[0]);
      last = parts[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(parts[1]));
    }
    if (first >= size || last < first) {
      throw S3Errors.invalidRange(
          "the range " + header + " is not satisfiable for an object of " + size + " bytes");
    }
    return new ByteRange(first, last);
  }

  static void checkConditions(
      ObjectVersion v,
      String ifMatch,
      String ifNoneMatch,
      Instant ifModifiedSince,
      Instant ifUnmodifiedSince) {
    String etag = v.etag();
    Instant modified = v.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    if (ifMatch != null && !matches(ifMatch, etag)) {
      throw S3Errors.preconditionFailed();
    }
    if (ifMatch == null && ifUnmodifiedSince != null && modified.isAfter(ifUnmodifiedSince)) {
      throw S3Errors.preconditionFailed();
    }
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      throw S3Errors.notModified();
    }
    if (ifNoneMatch == null && ifModifiedSince != null && !modified.isAfter(ifModifiedSince)) {
      throw S3Errors.notModified();
    }
  }

  private static boolean matches(String header, String etag) {
    for (String t : header.split(",")) {
      String s = t.trim();
      if (s.equals("*") || unquote(s).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
    if (archive.tierOf(request.bucket()) != null) {
      archive.tierOf(request.bucket()).forget(request.key());
    }
    try {
      if (namespace.deleteObject(request.bucket(), request.key())) {
        replicator.removeObsoleteSoon();
      }
    } catch (NoSuchBucketException e) {
      throw S3Exceptions.noSuchBucket(request.bucket(), null);
    }
    return DeleteObjectResponse.builder().build();
  }

  /**
   * Copies a ready object into a new version of the target key (in the same or another virtual
   * bucket): the bytes are streamed from the source's copy nearest this region into this region's
   * store, through the same two-phase write as a PUT. The directive {@code COPY} (the default)
   * keeps the source's content type and user metadata, {@code REPLACE} takes the request's.
   */
  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    checkKey(request.destinationKey());
    bucket(request.destinationBucket());
    ObjectVersion source = ready(request.sourceBucket(), request.sourceKey());
    checkCopyConditions(
        source,
        request.copySourceIfMatch(),
        request.copySourceIfNoneMatch(),
        request.copySourceIfModifiedSince(),
        request.copySourceIfUnmodifiedSince());
    boolean replace = request.metadataDirective() == MetadataDirective.REPLACE;
    String contentType = replace ? request.contentType() : source.contentType();
    Map<String, String> metadata = replace ? request.metadata() : source.metadata();
    String md5;
    try (InputStream in = openReadable(source)) {
      md5 =
          write(
              request.destinationBucket(),
              request.destinationKey(),
              contentType,
              metadata,
              in,
              source.size(),
              null);
    } catch (IOException e) {
      throw S3Errors.internal("reading the copy source: " + e.getMessage());
    }
    Instant modified =
        namespace
            .readyVersion(request.destinationBucket(), request.destinationKey())
            .map(ObjectVersion::createdAt)
            .orElse(Instant.now());
    return CopyObjectResponse.builder()
        .copyObjectResult(
            CopyObjectResult.builder().eTag(quote(md5)).lastModified(modified).build())
        .build();
  }

  private static void checkCopyConditions(
      ObjectVersion v,
      String ifMatch,
      String ifNoneMatch,
      Instant ifModifiedSince,
      Instant ifUnmodifiedSince) {
    try {
      checkConditions(v, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince);
    } catch (S3Exception e) {
      if (e.statusCode() == 304) {
        throw S3Errors.preconditionFailed(); // a copy has nothing to leave unmodified
      }
      throw e;
    }
  }

  /** A stream over the whole of a ready version, from its copy nearest this region. */
  private InputStream openReadable(ObjectVersion v) {
    if (v.size() == 0) {
      return InputStream.nullInputStream();
    }
    PhysicalCopy copy =
        placement
            .copyToRead(region, v)
            .orElseThrow(() -> S3Errors.internal("no ready copy of " + v.key() + " in any region"));
    RegionStore from = regions.get(copy.region());
    if (from == null) {
      throw S3Errors.internal("the copy is in region " + copy.region() + ", not configured here");
    }
    try {
      return from.store().read(copy.physicalKey(), null, null);
    } catch (ObjectNotFoundException e) {
      throw S3Errors.internal("the copy in region " + copy.region() + " is missing");
    } catch (StoreException e) {
      throw S3Errors.internal("reading from region " + copy.region() + ": " + e.getMessage());
    }
  }

  @Override
  public ObjectCannedACL getBlobAccess(String container, String name) {
    ready(container, name);
    return ObjectCannedACL.PRIVATE;
  }

  @Override
  public void setBlobAccess(String container, String name, ObjectCannedACL access) {
    throw S3Errors.notImplemented("setting an object ACL");
  }

  // ---- multipart ----------------------------------------------------------------------------

  /**
   * Starts a multipart upload: a pending version (whose id is the upload id) and an upload in this
   * region store's own multi-part facet, under the version's physical key. Parts are streamed to
   * that store as they come; completing assembles them there and commits the version like a PUT.
   */
  @Override
  public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
    String bucket = request.bucket();
    String key = request.key();
    checkKey(key);
    RegionStore here = regions.get(placement.homeRegion(bucket(bucket).policy(), region));
    MultipartUploads parts = multipart(here);
    ObjectVersion pending;
    try {
      pending =
          namespace.beginWrite(
              bucket, key, here.label(), request.contentType(), request.metadata());
    } catch (NoSuchBucketException e) {
      throw S3Exceptions.noSuchBucket(bucket, null);
    }
    String physicalKey = pending.copies().get(0).physicalKey();
    UploadHandle handle = null;
    try {
      handle = parts.begin(physicalKey, PutOptions.of(request.contentType(), Map.of()));
      namespace.recordUpload(pending.versionId(), here.label(), handle.uploadId());
      return new MultipartUpload(pending.versionId(), request);
    } catch (RuntimeException e) {
      if (handle != null) {
        abortQuietly(parts, handle);
      }
      abort(pending.versionId(), here, physicalKey, false);
      throw translate(e, bucket, key);
    }
  }

  @Override
  public UploadPartResponse uploadMultipartPart(
      MultipartUpload upload, UploadPartRequest request, InputStream in) {
    PendingUpload up = pendingUpload(upload);
    int partNumber = request.partNumber();
    Long length = request.contentLength();
    if (length == null || length < 0) {
      throw S3Errors.of(411, "MissingContentLength", "a part needs a Content-Length");
    }
    RegionStore store = regions.get(up.region());
    MultipartUploads parts = multipart(store);
    if (length > parts.partLimits().maxPartSize()) {
      throw S3Errors.of(
          400,
          "EntityTooLarge",
          "a part is at most " + parts.partLimits().maxPartSize() + " bytes here");
    }
    String promisedMd5 = md5Hex(request.contentMD5());
    HashingInputStream hashed = HashingInputStream.of(in);
    CompletedPart stored;
    // The store replaces an earlier upload of this part whatever comes of this one: forget the
    // earlier one first, so that a body failing its checks leaves the part missing, not wrong.
    namespace.forgetPart(upload.id(), partNumber);
    try {
      stored = parts.uploadPart(handleOf(up), partNumber, hashed, length);
    } catch (ObjectNotFoundException e) {
      throw noSuchUpload(upload.id());
    } catch (RuntimeException e) {
      throw translatePart(e, upload, partNumber);
    }
    if (hashed.count() != length || stored.size() != length) {
      throw S3Errors.of(
          400,
          "IncompleteBody",
          "the part had " + hashed.count() + " bytes, Content-Length said " + length);
    }
    String md5 = hashed.md5Hex();
    if (promisedMd5 != null && !promisedMd5.equals(md5)) {
      throw S3Errors.of(400, "BadDigest", "the Content-MD5 does not match the part");
    }
    if (stored.md5() != null && !stored.md5().equals(md5)) {
      throw S3Errors.internal(
          "part "
              + partNumber
              + " stored in region "
              + up.region()
              + " does not match the bytes received");
    }
    namespace.putPart(
        upload.id(),
        new UploadedPart(partNumber, length, md5, stored.etag(), stored.md5(), Instant.now()));
    return UploadPartResponse.builder().eTag(quote(md5)).build();
  }

  /**
   * Assembles the parts the client names in the region store that holds them, checks the size of
   * the result, then commits the version (ready, superseding the key's previous one) and queues its
   * replicas. The ETag is S3's: the MD5 of the parts' MD5s, then {@code -} and the part count.
   */
  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    PendingUpload up = pendingUpload(upload);
    ObjectVersion pending = up.version();
    Map<Integer, UploadedPart> stored = new HashMap<>();
    for (UploadedPart p : namespace.parts(upload.id())) {
      stored.put(p.partNumber(), p);
    }
    List<CompletedPart> chosen = new ArrayList<>();
    MessageDigest etagDigest = Digests.md5();
    long size = 0;
    for (var p : request.multipartUpload().parts()) {
      UploadedPart part = stored.get(p.partNumber());
      if (part == null || (p.eTag() != null && !unquote(p.eTag()).equals(part.md5()))) {
        throw S3Errors.of(
            400, "InvalidPart", "part " + p.partNumber() + " was not uploaded with that ETag");
      }
      chosen.add(
          new CompletedPart(part.partNumber(), part.storeEtag(), part.size(), part.storeMd5()));
      etagDigest.update(HexFormat.of().parseHex(part.md5()));
      size += part.size();
    }
    String etag = HexFormat.of().formatHex(etagDigest.digest()) + "-" + chosen.size();
    RegionStore store = regions.get(up.region());
    MultipartUploads parts = multipart(store);
    String physicalKey = pending.copies().get(0).physicalKey();
    boolean assembled = false;
    try {
      WriteResult w = parts.complete(handleOf(up), chosen);
      assembled = true;
      long storedSize = w.size() >= 0 ? w.size() : store.store().head(physicalKey).size();
      if (storedSize != size) {
        throw S3Errors.internal(
            "the object assembled in region "
                + up.region()
                + " has "
                + storedSize
                + " bytes, its parts "
                + size);
      }
      // The whole object's MD5 is known when the store computed it (local disk), not otherwise.
      String md5 = w.etag() != null && w.etag().matches("[0-9a-f]{32}") ? w.etag() : null;
      commit(bucket(pending.bucket()).policy(), pending, size, etag, md5);
    } catch (RuntimeException e) {
      if (assembled) {
        // the assembled bytes are not committed: drop them and the upload
        abort(pending.versionId(), store, physicalKey, true);
      }
      throw translate(e, pending.bucket(), pending.key());
    }
    return CompleteMultipartUploadResponse.builder()
        .bucket(pending.bucket())
        .key(pending.key())
        .eTag(quote(etag))
        .build();
  }

  @Override
  public void abortMultipartUpload(MultipartUpload upload) {
    PendingUpload up = pendingUpload(upload);
    RegionStore store = regions.get(up.region());
    abortQuietly(multipart(store), handleOf(up));
    namespace.abortWrite(upload.id());
  }

  @Override
  public List<Part> listMultipartUpload(MultipartUpload upload) {
    Optional<PendingUpload> up = namespace.upload(upload.id());
    if (up.isEmpty() || !matches(up.get(), upload)) {
      boolean completed =
          namespace
              .readyVersion(upload.containerName(), upload.blobName())
              .filter(v -> v.versionId().equals(upload.id()))
              .isPresent();
      if (completed) {
        return List.of(); // the front end answers a repeated complete as the first one
      }
      bucket(upload.containerName());
      throw noSuchUpload(upload.id());
    }
    List<Part> out = new ArrayList<>();
    for (UploadedPart p : namespace.parts(upload.id())) {
      out.add(
          Part.builder()
              .partNumber(p.partNumber())
              .eTag(quote(p.md5()))
              .size(p.size())
              .lastModified(p.uploadedAt())
              .build());
    }
    return out;
  }

  @Override
  public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(
      String container) {
    bucket(container);
    List<software.amazon.awssdk.services.s3.model.MultipartUpload> out = new ArrayList<>();
    for (PendingUpload up : namespace.uploadsIn(container)) {
      out.add(
          software.amazon.awssdk.services.s3.model.MultipartUpload.builder()
              .key(up.version().key())
              .uploadId(up.uploadId())
              .initiated(up.createdAt())
              .storageClass("STANDARD")
              .build());
    }
    return out;
  }

  @Override
  public long getMinimumMultipartPartSize() {
    return 5L * 1024 * 1024;
  }

  private PendingUpload pendingUpload(MultipartUpload upload) {
    Optional<PendingUpload> up = namespace.upload(upload.id());
    if (up.isEmpty() || !matches(up.get(), upload)) {
      bucket(upload.containerName());
      throw noSuchUpload(upload.id());
    }
    return up.get();
  }

  private static boolean matches(PendingUpload up, MultipartUpload upload) {
    return up.version().bucket().equals(upload.containerName())
        && up.version().key().equals(upload.blobName());
  }

  private static UploadHandle handleOf(PendingUpload up) {
    return new UploadHandle(
        up.version().copies().stream()
            .filter(PhysicalCopy::base)
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("upload " + up.uploadId() + " has no base copy"))
            .physicalKey(),
        up.storeUploadId(),
        PutOptions.of(up.version().contentType(), Map.of()));
  }

  private static MultipartUploads multipart(RegionStore store) {
    return store
        .store()
        .multipart()
        .orElseThrow(
            () ->
                S3Errors.notImplemented(
                    "multipart upload in region " + store.label() + "'s store"));
  }

  private static void abortQuietly(MultipartUploads parts, UploadHandle handle) {
    try {
      parts.abort(handle);
    } catch (RuntimeException e) {
      LOG.warn("discarding the parts of upload {}: {}", handle.uploadId(), e.getMessage());
    }
  }

  private static S3Exception noSuchUpload(String uploadId) {
    return S3Errors.of(
        404,
        "NoSuchUpload",
        "the upload " + uploadId + " does not exist (completed or aborted already?)");
  }

  private static RuntimeException translatePart(RuntimeException e, MultipartUpload upload, int n) {
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException) {
      return e;
    }
    LOG.warn(
        "{}/{}: part {} failed: {}", upload.containerName(), upload.blobName(), n, e.toString());
    return S3Errors.internal("storing part " + n + " failed; upload it again");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private VirtualBucket bucket(String name) {
    return namespace.bucket(name).orElseThrow(() -> S3Exceptions.noSuchBucket(name, null));
  }

  private ObjectVersion ready(String bucket, String key) {
    Optional<ObjectVersion> v = namespace.readyVersion(bucket, key);
    if (v.isEmpty()) {
      bucket(bucket);
      throw S3Exceptions.noSuchKey(bucket, key, null);
    }
    return v.get();
  }

  private static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw S3Errors.invalidArgument("the object key is empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw S3Errors.of(400, "KeyTooLongError", "object keys are at most 1024 bytes");
    }
    String problem = ObjectKeys.problem(key);
    if (problem != null) {
      throw S3Errors.invalidArgument(problem);
    }
  }

  private static RuntimeException translate(RuntimeException e, String bucket, String key) {
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException) {
      return e;
    }
    if (e instanceof NoSuchBucketException) {
      return S3Exceptions.noSuchBucket(bucket, null);
    }
    if (e instanceof InvalidKeyException) {
      return S3Errors.invalidArgument(
          "the key cannot be stored in this region's store: " + e.getMessage());
    }
    LOG.warn("{}/{}: write failed and was rolled back: {}", bucket, key, e.toString());
    LOG.debug("write failure", e);
    return S3Errors.internal("the write failed and was rolled back; write it again");
  }

  private static String md5Hex(String contentMd5Base64) {
    if (contentMd5Base64 == null) {
      return null;
    }
    try {
      return HexFormat.of().formatHex(Base64.getDecoder().decode(contentMd5Base64));
    } catch (IllegalArgumentException e) {
      throw S3Errors.of(400, "InvalidDigest", "the Content-MD5 is not base64");
    }
  }

  static String quote(String etag) {
    return etag == null ? null : "\"" + etag + "\"";
  }

  private static String unquote(String etag) {
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }
}
