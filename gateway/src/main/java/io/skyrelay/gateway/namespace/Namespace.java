package io.skyrelay.gateway.namespace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The namespace of virtual buckets, in a relational database (the embedded H2 file database, or any
 * database the migrations run on). Thread-safe: every call uses its own connection from the pool.
 *
 * <p>A write is two-phase: {@link #beginWrite} records a pending version and its pending base copy;
 * {@link #commitWrite} makes it the key's one ready version, in the same transaction turning the
 * previous ready version (if any) and its copies into {@link CopyStatus#PENDING_DELETION}. Commits
 * of one bucket are serialised by a lock on the bucket's row, so a key never has two ready
 * versions. Readers only see ready versions and ready copies.
 */
public final class Namespace {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource dataSource;
  private final String writer;

  private Namespace(DataSource dataSource, String writer) {
    this.dataSource = dataSource;
    this.writer = writer;
  }

  /** Opens the namespace in {@code dataSource}, bringing its schema up to date first. */
  public static Namespace open(DataSource dataSource) {
    return open(dataSource, UUID.randomUUID().toString().replace("-", ""));
  }

  /**
   * Opens the namespace for the gateway {@code writer} (its lease's id, see {@link Leases}): the
   * writes it begins are recorded as its own.
   */
  public static Namespace open(DataSource dataSource, String writer) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations(migrationLocations(dataSource))
        .table("gateway_schema_history")
        .load()
        .migrate();
    return new Namespace(dataSource, writer);
  }

  /** The migrations all databases share, and PostgreSQL's own (object keys in byte order). */
  private static String[] migrationLocations(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return c.getMetaData().getDatabaseProductName().equals("PostgreSQL")
          ? new String[] {"classpath:db/gateway", "classpath:db/gateway-postgresql"}
          : new String[] {"classpath:db/gateway"};
    } catch (SQLException e) {
      throw new NamespaceException("namespace database: " + e.getMessage(), e);
    }
  }

  /** The gateway whose writes this namespace records (see {@link Leases}). */
  public String writer() {
    return writer;
  }

  /** Thrown when a bucket named in a call does not exist. */
  public static final class NoSuchBucketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoSuchBucketException(String bucket) {
      super("no virtual bucket named " + bucket);
    }
  }

  /** What {@link #deleteBucket} did. */
  public enum BucketDeletion {
    DELETED,
    NOT_FOUND,
    NOT_EMPTY
  }

  // ---- regions ------------------------------------------------------------------------------

  /** Records a region (or its new store URI). */
  public void putRegion(String label, String storeUri) {
    tx(
        c -> {
          try (PreparedStatement u =
              c.prepareStatement("UPDATE regions SET store_uri = ? WHERE label = ?")) {
            u.setString(1, storeUri);
            u.setString(2, label);
            if (u.executeUpdate() == 0) {
              try (PreparedStatement i =
                  c.prepareStatement("INSERT INTO regions (label, store_uri) VALUES (?, ?)")) {
                i.setString(1, label);
                i.setString(2, storeUri);
                i.executeUpdate();
              }
            }
          }
          return null;
        });
  }

  // ---- buckets ------------------------------------------------------------------------------

  /**
   * Creates a bucket whose copies live under {@code name/} in every region.
   *
   * @return false when it already existed (left as it was)
   */
  public boolean createBucket(String name, String policy) {
    String problem = BucketNames.problem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return tx(
        c -> {
          if (bucket(c, name, false).isPresent()) {
            return false;
          }
          try (PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO virtual_buckets (name, created_at, policy, physical_prefix)"
                      + " VALUES (?, ?, ?, ?)")) {
            i.setString(1, name);
            i.setTimestamp(2, Timestamp.from(Instant.now()));
            i.setString(3, policy);
            i.setString(4, name + "/");
            i.executeUpdate();
          }
          return true;
        });
  }

  public Optional<VirtualBucket> bucket(String name) {
    return tx(c -> bucket(c, name, false));
  }

  public List<VirtualBucket> buckets() {
    return tx(
        c -> {
          List<VirtualBucket> out = new ArrayList<>();
          try (PreparedStatement q =
                  c.prepareStatement(
                      "SELECT name, created_at, policy, physical_prefix FROM virtual_buckets"
                          + " ORDER BY name");
              ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              out.add(bucketOf(rs));
            }
          }
          return out;
        });
  }

  /**
   * Deletes an empty bucket. A bucket holding ready or pending versions is not empty; versions
   * still being removed must be gone first ({@code obsoleteCopies} drained).
   */
  public BucketDeletion deleteBucket(String name) {
    return tx(
        c -> {
          if (bucket(c, name, true).isEmpty()) {
            return BucketDeletion.NOT_FOUND;
          }
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM object_versions WHERE bucket = ?"
                      + " AND status IN ('pending', 'ready')")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
              rs.next();
              if (rs.getLong(1) > 0) {
                return BucketDeletion.NOT_EMPTY;
              }
            }
          }
          try (PreparedStatement q =
              c.prepareStatement("SELECT COUNT(*) FROM object_versions WHERE bucket = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
              rs.next();
              if (rs.getLong(1) > 0) {
                throw new IllegalStateException(
                    "bucket "
                        + name
                        + " still has copies of deleted objects being removed; try again shortly");
              }
            }
          }
          try (PreparedStatement d =
              c.prepareStatement("DELETE FROM virtual_buckets WHERE name = ?")) {
            d.setString(1, name);
            d.executeUpdate();
          }
          return BucketDeletion.DELETED;
        });
  }

  // ---- writes -------------------------------------------------------------------------------

  /**
   * Records the start of a write: a pending version and its pending base copy in {@code region}.
   *
   * @return the pending version, whose base copy's physical key is where the bytes go
   * @throws NoSuchBucketException when the bucket does not exist
   */
  public ObjectVersion beginWrite(
      String bucket, String key, String region, String contentType, Map<String, String> metadata) {
    String versionId = UUID.randomUUID().toString().replace("-", "");
    Instant now = Instant.now();
    return tx(
        c -> {
          VirtualBucket b =
              bucket(c, bucket, false).orElseThrow(() -> new NoSuchBucketException(bucket));
          String physicalKey = physicalKey(b, key, versionId);
          try (PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO object_versions (version_id, bucket, object_key, size_bytes, etag,"
                      + " md5, content_type, user_metadata, status, base_region, created_at,"
                      + " writer) VALUES (?, ?, ?, 0, NULL, NULL, ?, ?, 'pending', ?, ?, ?)")) {
            i.setString(1, versionId);
            i.setString(2, bucket);
            i.setString(3, key);
            i.setString(4, contentType);
            i.setString(5, toJson(metadata));
            i.setString(6, region);
            i.setTimestamp(7, Timestamp.from(now));
            i.setString(8, writer);
            i.executeUpdate();
          }
          insertCopy(c, versionId, region, physicalKey, true);
          PhysicalCopy base =
              new PhysicalCopy(
                  versionId, region, physicalKey, CopyStatus.PENDING, true, null, null);
          return new ObjectVersion(
              versionId,
              bucket,
              key,
              0,
              null,
              null,
              contentType,
              metadata,
              CopyStatus.PENDING,
              region,
              now,
              List.of(base));
        });
  }

  /**
   * The physical key of a version: under the bucket's prefix, the object key with the version id
   * appended, so that a write never touches the bytes of the version readers are being served, and
   * a key and a longer key below it ({@code a} and {@code a/b}) never collide on a file system.
   */
  static String physicalKey(VirtualBucket b, String key, String versionId) {
    return b.physicalPrefix() + key + "~" + versionId;
  }

  /**
   * Makes a pending version the key's ready version, after its bytes were stored and verified.
   * Pending copies are recorded for {@code replicaRegions}, to be filled by replication.
   *
   * @return the version ids this one superseded (their copies are now pending deletion)
   */
  public List<String> commitWrite(
      String versionId, long size, String etag, String md5, List<String> replicaRegions) {
    return tx(
        c -> {
          ObjectVersion v =
              version(c, versionId)
                  .orElseThrow(
                      () -> new IllegalStateException("version " + versionId + " is gone"));
          if (v.status() != CopyStatus.PENDING) {
            throw new IllegalStateException("version " + versionId + " is " + v.status());
          }
          VirtualBucket b =
              bucket(c, v.bucket(), true).orElseThrow(() -> new NoSuchBucketException(v.bucket()));
          List<String> superseded = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT version_id FROM object_versions WHERE bucket = ? AND object_key = ?"
                      + " AND status = 'ready'")) {
            q.setString(1, v.bucket());
            q.setString(2, v.key());
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                superseded.add(rs.getString(1));
              }
            }
          }
          for (String old : superseded) {
            markForDeletion(c, old);
          }
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE object_versions SET status = 'ready', size_bytes = ?, etag = ?, md5 = ?"
                      + " WHERE version_id = ? AND status = 'pending'")) {
            u.setLong(1, size);
            u.setString(2, etag);
            u.setString(3, md5);
            u.setString(4, versionId);
            if (u.executeUpdate() != 1) {
              // resolved meanwhile by a gateway that took this one's lease for expired
              throw new IllegalStateException("version " + versionId + " is no longer pending");
            }
          }
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE physical_copies SET status = 'ready', stored_at = ?"
                      + " WHERE version_id = ? AND is_base = TRUE")) {
            u.setTimestamp(1, Timestamp.from(Instant.now()));
            u.setString(2, versionId);
            u.executeUpdate();
          }
          for (String r : replicaRegions) {
            insertCopy(c, versionId, r, physicalKey(b, v.key(), versionId), false);
          }
          try (PreparedStatement d =
              c.prepareStatement("DELETE FROM multipart_uploads WHERE upload_id = ?")) {
            d.setString(1, versionId); // a completed multipart upload is no longer pending
            d.executeUpdate();
          }
          return superseded;
        });
  }

  /** Forgets a write that failed before its commit (its bytes are removed by the caller). */
  public void abortWrite(String versionId) {
    tx(
        c -> {
          try (PreparedStatement d =
              c.prepareStatement(
                  "DELETE FROM object_versions WHERE version_id = ? AND status = 'pending'")) {
            d.setString(1, versionId);
            d.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Marks a replica ready after it was copied and verified, if its version is still the ready one.
   *
   * @return false when the version was overwritten or deleted meanwhile (the replica is obsolete;
   *     the caller removes what it wrote)
   */
  public boolean replicaReady(String versionId, String region) {
    return tx(
        c -> {
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE physical_copies SET status = 'ready', stored_at = ?"
                      + " WHERE version_id = ? AND region = ? AND status = 'pending'"
                      + " AND EXISTS (SELECT 1 FROM object_versions v"
                      + " WHERE v.version_id = physical_copies.version_id"
                      + " AND v.status = 'ready')")) {
            u.setTimestamp(1, Timestamp.from(Instant.now()));
            u.setString(2, versionId);
            u.setString(3, region);
            return u.executeUpdate() == 1;
          }
        });
  }

  /**
   * Deletes the ready version of a key: it and its copies become pending deletion.
   *
   * @return whether there was one
   * @throws NoSuchBucketException when the bucket does not exist
   */
  public boolean deleteObject(String bucket, String key) {
    return tx(
        c -> {
          bucket(c, bucket, true).orElseThrow(() -> new NoSuchBucketException(bucket));
          List<String> ids = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT version_id FROM object_versions WHERE bucket = ? AND object_key = ?"
                      + " AND status = 'ready'")) {
            q.setString(1, bucket);
            q.setString(2, key);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
          }
          for (String id : ids) {
            markForDeletion(c, id);
          }
          return !ids.isEmpty();
        });
  }

  /**
   * Makes a pending version ready like {@link #commitWrite} (no replicas), but only while its key
   * has no ready version: a copy restored from an archive never replaces a write that came
   * meanwhile.
   *
   * @return false when the key has a ready version (the pending one is left to the caller to abort)
   */
  public boolean commitIfAbsent(String versionId, long size, String etag, String md5) {
    return tx(
        c -> {
          ObjectVersion v =
              version(c, versionId)
                  .filter(p -> p.status() == CopyStatus.PENDING)
                  .orElseThrow(
                      () -> new IllegalStateException("version " + versionId + " is not pending"));
          bucket(c, v.bucket(), true).orElseThrow(() -> new NoSuchBucketException(v.bucket()));
          if (hasReady(c, v.bucket(), v.key())) {
            return false;
          }
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE object_versions SET status = 'ready', size_bytes = ?, etag = ?, md5 = ?"
                      + " WHERE version_id = ?")) {
            u.setLong(1, size);
            u.setString(2, etag);
            u.setString(3, md5);
            u.setString(4, versionId);
            u.executeUpdate();
          }
          try (PreparedStatement u =
              c.prepareStatement(
                  "UPDATE physical_copies SET status = 'ready', stored_at = ?"
                      + " WHERE version_id = ? AND is_base = TRUE")) {
            u.setTimestamp(1, Timestamp.from(Instant.now()));
            u.setString(2, versionId);
            u.executeUpdate();
          }
          return true;
        });
  }

  /**
   * An object a region's store already holds, to register as a ready version without copying it.
   *
   * @param physicalKey its key in the region's store (becomes the version's base copy)
   * @param modified when the store last wrote it (the version's time)
   */
  public record ExistingObject(
      String key,
      String physicalKey,
      long size,
      String etag,
      String md5,
      String contentType,
      Map<String, String> metadata,
      Instant modified) {}

  /**
   * Registers an object that {@code region}'s store already holds as the ready version of its key,
   * whose base copy is that physical object. From then on the gateway owns it: an overwrite or a
   * delete through the gateway removes the physical object like any other copy.
   *
   * @return false when the key has a ready version already (left alone)
   * @throws NoSuchBucketException when the bucket does not exist
   */
  public boolean importObject(String bucket, String region, ExistingObject o) {
    return tx(
        c -> {
          bucket(c, bucket, true).orElseThrow(() -> new NoSuchBucketException(bucket));
          if (hasReady(c, bucket, o.key())) {
            return false;
          }
          String versionId = UUID.randomUUID().toString().replace("-", "");
          try (PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO object_versions (version_id, bucket, object_key, size_bytes, etag,"
                      + " md5, content_type, user_metadata, status, base_region, created_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?)")) {
            i.setString(1, versionId);
            i.setString(2, bucket);
            i.setString(3, o.key());
            i.setLong(4, o.size());
            i.setString(5, o.etag());
            i.setString(6, o.md5());
            i.setString(7, o.contentType());
            i.setString(8, toJson(o.metadata()));
            i.setString(9, region);
            i.setTimestamp(10, Timestamp.from(o.modified()));
            i.executeUpdate();
          }
          try (PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO physical_copies (version_id, region, physical_key, status, is_base,"
                      + " stored_at) VALUES (?, ?, ?, 'ready', TRUE, ?)")) {
            i.setString(1, versionId);
            i.setString(2, region);
            i.setString(3, o.physicalKey());
            i.setTimestamp(4, Timestamp.from(o.modified()));
            i.executeUpdate();
          }
          return true;
        });
  }

  private static boolean hasReady(Connection c, String bucket, String key) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT 1 FROM object_versions WHERE bucket = ? AND object_key = ?"
                + " AND status = 'ready'")) {
      q.setString(1, bucket);
      q.setString(2, key);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  /** The ready version of a key with its ready copies, if the key exists. */
  public Optional<ObjectVersion> readyVersion(String bucket, String key) {
    return tx(
        c -> {
          try (PreparedStatement q =
              c.prepareStatement(
                  VERSION_COLUMNS
                      + " WHERE bucket = ? AND object_key = ? AND status = 'ready'"
                      + " ORDER BY created_at DESC")) {
            q.setString(1, bucket);
            q.setString(2, key);
            try (ResultSet rs = q.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              ObjectVersion v = versionOf(rs, List.of());
              return Optional.of(withCopies(c, v, "ready"));
            }
          }
        });
  }

  /**
   * Ready versions of a bucket in key order (without copies): keys at or after {@code fromKey}
   * ({@code inclusive}) that start with {@code prefix}, at most {@code limit}.
   */
  public List<ObjectVersion> list(
      String bucket, String prefix, String fromKey, boolean inclusive, int limit) {
    String from = fromKey == null || fromKey.compareTo(prefix) < 0 ? prefix : fromKey;
    boolean incl = fromKey == null || fromKey.compareTo(prefix) < 0 || inclusive;
    return tx(
        c -> {
          List<ObjectVersion> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  VERSION_COLUMNS
                      + " WHERE bucket = ? AND status = 'ready' AND object_key "
                      + (incl ? ">=" : ">")
                      + " ? ORDER BY object_key FETCH FIRST ? ROWS ONLY")) {
            q.setString(1, bucket);
            q.setString(2, from);
            q.setInt(3, limit);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                ObjectVersion v = versionOf(rs, List.of());
                if (!v.key().startsWith(prefix)) {
                  break;
                }
                out.add(v);
              }
            }
          }
          return out;
        });
  }

  /** Every version of a key whatever its status, with all copies; for tests and diagnostics. */
  public List<ObjectVersion> versions(String bucket, String key) {
    return tx(
        c -> {
          List<ObjectVersion> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  VERSION_COLUMNS + " WHERE bucket = ? AND object_key = ? ORDER BY created_at")) {
            q.setString(1, bucket);
            q.setString(2, key);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(versionOf(rs, List.of()));
              }
            }
          }
          List<ObjectVersion> full = new ArrayList<>();
          for (ObjectVersion v : out) {
            full.add(withCopies(c, v, null));
          }
          return full;
        });
  }

  /** Pending replicas of ready versions: the replication still owed (after a restart too). */
  public List<ObjectVersion> pendingReplicas() {
    return tx(
        c -> {
          List<ObjectVersion> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  VERSION_COLUMNS
                      + " WHERE status = 'ready' AND EXISTS (SELECT 1 FROM physical_copies p"
                      + " WHERE p.version_id = object_versions.version_id"
                      + " AND p.status = 'pending')")) {
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(versionOf(rs, List.of()));
              }
            }
          }
          List<ObjectVersion> full = new ArrayList<>();
          for (ObjectVersion v : out) {
            full.add(withCopies(c, v, null));
          }
          return full;
        });
  }

  /**
   * Writes still pending that began before {@code cutoff}, with their copies: with the embedded
   * database, which one process holds, every write pending when the gateway starts was cut off by a
   * crash. Multipart uploads are not among them: they outlive a restart (see {@link
   * #uploadsBefore}).
   */
  public List<ObjectVersion> pendingWritesBefore(Instant cutoff) {
    return tx(
        c -> {
          List<ObjectVersion> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  VERSION_COLUMNS
                      + " WHERE status = 'pending' AND created_at < ?"
                      + " AND version_id NOT IN (SELECT upload_id FROM multipart_uploads)")) {
            q.setTimestamp(1, Timestamp.from(cutoff));
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(versionOf(rs, List.of()));
              }
            }
          }
          List<ObjectVersion> full = new ArrayList<>();
          for (ObjectVersion v : out) {
            full.add(withCopies(c, v, null));
          }
          return full;
        });
  }

  /**
   * Copies whose bytes are to be removed (overwritten or deleted versions), at most {@code max}.
   */
  public List<PhysicalCopy> obsoleteCopies(int max) {
    return tx(
        c -> {
          List<PhysicalCopy> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  COPY_COLUMNS
                      + " WHERE status = 'pending_deletion' ORDER BY version_id"
                      + " FETCH FIRST ? ROWS ONLY")) {
            q.setInt(1, max);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(copyOf(rs));
              }
            }
          }
          return out;
        });
  }

  /**
   * Forgets a copy whose bytes were removed; the version goes too once it is pending deletion and
   * has no copy left.
   */
  public void copyRemoved(String versionId, String region) {
    tx(
        c -> {
          try (PreparedStatement d =
              c.prepareStatement(
                  "DELETE FROM physical_copies WHERE version_id = ? AND region = ?"
                      + " AND status = 'pending_deletion'")) {
            d.setString(1, versionId);
            d.setString(2, region);
            d.executeUpdate();
          }
          try (PreparedStatement d =
              c.prepareStatement(
                  "DELETE FROM object_versions WHERE version_id = ?"
                      + " AND status = 'pending_deletion' AND NOT EXISTS (SELECT 1 FROM"
                      + " physical_copies p WHERE p.version_id = object_versions.version_id)")) {
            d.setString(1, versionId);
            d.executeUpdate();
          }
          return null;
        });
  }

  // ---- multipart uploads --------------------------------------------------------------------

  /**
   * A multipart upload in progress: its pending version (whose id is the upload id) and where its
   * parts are stored.
   *
   * @param version the pending version, with its base copy
   * @param region the region whose store holds the parts
   * @param storeUploadId that store's id of the upload
   * @param createdAt when the upload began
   */
  public record PendingUpload(
      ObjectVersion version, String region, String storeUploadId, Instant createdAt) {

    public String uploadId() {
      return version.versionId();
    }
  }

  /**
   * A part stored for an upload.
   *
   * @param partNumber 1-based position
   * @param size bytes
   * @param md5 hex MD5 of the bytes received (the part's ETag for clients)
   * @param storeEtag the store's token for the part
   * @param storeMd5 the MD5 the store computed, or {@code null}
   * @param uploadedAt when it was stored
   */
  public record UploadedPart(
      int partNumber,
      long size,
      String md5,
      String storeEtag,
      String storeMd5,
      Instant uploadedAt) {}

  /** Records that the pending version {@code versionId} is assembled by a multipart upload. */
  public void recordUpload(String versionId, String region, String storeUploadId) {
    tx(
        c -> {
          try (PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO multipart_uploads (upload_id, region, store_upload_id, created_at)"
                      + " VALUES (?, ?, ?, ?)")) {
            i.setString(1, versionId);
            i.setString(2, region);
            i.setString(3, storeUploadId);
            i.setTimestamp(4, Timestamp.from(Instant.now()));
            i.executeUpdate();
          }
          return null;
        });
  }

  private static final String UPLOAD_QUERY =
      "SELECT u.upload_id, u.region, u.store_upload_id, u.created_at FROM multipart_uploads u"
          + " JOIN object_versions v ON v.version_id = u.upload_id WHERE v.status = 'pending'";

  /** The upload {@code uploadId}, if it is still in progress. */
  public Optional<PendingUpload> upload(String uploadId) {
    List<PendingUpload> found = uploads(UPLOAD_QUERY + " AND u.upload_id = ?", uploadId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The uploads in progress in {@code bucket}, by key then start time. */
  public List<PendingUpload> uploadsIn(String bucket) {
    return uploads(UPLOAD_QUERY + " AND v.bucket = ? ORDER BY v.object_key, u.created_at", bucket);
  }

  /** The uploads in progress begun before {@code cutoff} (abandoned ones, when old enough). */
  public List<PendingUpload> uploadsBefore(Instant cutoff) {
    return uploads(UPLOAD_QUERY + " AND u.created_at < ? ORDER BY u.created_at", cutoff);
  }

  private List<PendingUpload> uploads(String sql, Object arg) {
    return tx(
        c -> {
          List<String[]> rows = new ArrayList<>();
          List<Instant> created = new ArrayList<>();
          try (PreparedStatement q = c.prepareStatement(sql)) {
            if (arg instanceof Instant t) {
              q.setTimestamp(1, Timestamp.from(t));
            } else {
              q.setString(1, (String) arg);
            }
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                created.add(rs.getTimestamp(4).toInstant());
              }
            }
          }
          List<PendingUpload> out = new ArrayList<>();
          for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            Optional<ObjectVersion> v = version(c, r[0]);
            if (v.isPresent()) {
              out.add(new PendingUpload(withCopies(c, v.get(), null), r[1], r[2], created.get(i)));
            }
          }
          return out;
        });
  }

  /** Records a stored part, replacing an earlier upload of the same part number. */
  public void putPart(String uploadId, UploadedPart part) {
    tx(
        c -> {
          try (PreparedStatement d =
              c.prepareStatement(
                  "DELETE FROM multipart_parts WHERE upload_id = ? AND part_number = ?")) {
            d.setString(1, uploadId);
            d.setInt(2, part.partNumber());
            d.executeUpdate();
          }
          try (PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO multipart_parts (upload_id, part_number, size_bytes, md5,"
                      + " store_etag, store_md5, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            i.setString(1, uploadId);
            i.setInt(2, part.partNumber());
            i.setLong(3, part.size());
            i.setString(4, part.md5());
            i.setString(5, part.storeEtag());
            i.setString(6, part.storeMd5());
            i.setTimestamp(7, Timestamp.from(part.uploadedAt()));
            i.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Forgets part {@code partNumber} of an upload: its bytes in the store were replaced by a body
   * that failed its checks, so it has to be uploaded again before the upload can complete.
   */
  public void forgetPart(String uploadId, int partNumber) {
    tx(
        c -> {
          try (PreparedStatement d =
              c.prepareStatement(
                  "DELETE FROM multipart_parts WHERE upload_id = ? AND part_number = ?")) {
            d.setString(1, uploadId);
            d.setInt(2, partNumber);
            d.executeUpdate();
          }
          return null;
        });
  }

  /** The parts stored for {@code uploadId}, in part-number order. */
  public List<UploadedPart> parts(String uploadId) {
    return tx(
        c -> {
          List<UploadedPart> out = new ArrayList<>();
          try (PreparedStatement q =
              c.prepareStatement(
                  "SELECT part_number, size_bytes, md5, store_etag, store_md5, uploaded_at"
                      + " FROM multipart_parts WHERE upload_id = ? ORDER BY part_number")) {
            q.setString(1, uploadId);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new UploadedPart(
                        rs.getInt(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant()));
              }
            }
          }
          return out;
        });
  }

  // ---- internals ----------------------------------------------------------------------------

  private static final String VERSION_COLUMNS =
      "SELECT version_id, bucket, object_key, size_bytes, etag, md5, content_type, user_metadata,"
          + " status, base_region, created_at FROM object_versions";

  private static final String COPY_COLUMNS =
      "SELECT version_id, region, physical_key, status, is_base, stored_at, expires_at"
          + " FROM physical_copies";

  private static void markForDeletion(Connection c, String versionId) throws SQLException {
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE object_versions SET status = 'pending_deletion' WHERE version_id = ?")) {
      u.setString(1, versionId);
      u.executeUpdate();
    }
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE physical_copies SET status = 'pending_deletion' WHERE version_id = ?")) {
      u.setString(1, versionId);
      u.executeUpdate();
    }
  }

  private static void insertCopy(
      Connection c, String versionId, String region, String physicalKey, boolean base)
      throws SQLException {
    try (PreparedStatement i =
        c.prepareStatement(
            "INSERT INTO physical_copies (version_id, region, physical_key, status, is_base)"
                + " VALUES (?, ?, ?, 'pending', ?)")) {
      i.setString(1, versionId);
      i.setString(2, region);
      i.setString(3, physicalKey);
      i.setBoolean(4, base);
      i.executeUpdate();
    }
  }

  private static Optional<VirtualBucket> bucket(Connection c, String name, boolean lock)
      throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT name, created_at, policy, physical_prefix FROM virtual_buckets WHERE name = ?"
                + (lock ? " FOR UPDATE" : ""))) {
      q.setString(1, name);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(bucketOf(rs)) : Optional.empty();
      }
    }
  }

  private static VirtualBucket bucketOf(ResultSet rs) throws SQLException {
    return new VirtualBucket(
        rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4));
  }

  private static Optional<ObjectVersion> version(Connection c, String versionId)
      throws SQLException {
    try (PreparedStatement q = c.prepareStatement(VERSION_COLUMNS + " WHERE version_id = ?")) {
      q.setString(1, versionId);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(versionOf(rs, List.of())) : Optional.empty();
      }
    }
  }

  private static ObjectVersion withCopies(Connection c, ObjectVersion v, String status)
      throws SQLException {
    List<PhysicalCopy> copies = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            COPY_COLUMNS
                + " WHERE version_id = ?"
                + (status == null ? "" : " AND status = ?")
                + " ORDER BY region")) {
      q.setString(1, v.versionId());
      if (status != null) {
        q.setString(2, status);
      }
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          copies.add(copyOf(rs));
        }
      }
    }
    return new ObjectVersion(
        v.versionId(),
        v.bucket(),
        v.key(),
        v.size(),
        v.etag(),
        v.md5(),
        v.contentType(),
        v.metadata(),
        v.status(),
        v.baseRegion(),
        v.createdAt(),
        copies);
  }

  private static ObjectVersion versionOf(ResultSet rs, List<PhysicalCopy> copies)
      throws SQLException {
    return new ObjectVersion(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        fromJson(rs.getString(8)),
        CopyStatus.of(rs.getString(9)),
        rs.getString(10),
        rs.getTimestamp(11).toInstant(),
        copies);
  }

  private static PhysicalCopy copyOf(ResultSet rs) throws SQLException {
    Timestamp stored = rs.getTimestamp(6);
    Timestamp expires = rs.getTimestamp(7);
    return new PhysicalCopy(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        CopyStatus.of(rs.getString(4)),
        rs.getBoolean(5),
        stored == null ? null : stored.toInstant(),
        expires == null ? null : expires.toInstant());
  }

  private static String toJson(Map<String, String> metadata) {
    try {
      return JSON.writeValueAsString(metadata == null ? Map.of() : new LinkedHashMap<>(metadata));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("user metadata cannot be stored: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> fromJson(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored user metadata is damaged: " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} in one transaction, committed when it returns. */
  private <T> T tx(Transactions.Work<T> work) {
    return Transactions.run(dataSource, work);
  }
}
