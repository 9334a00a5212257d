-- The namespace of virtual buckets: which versions of which objects exist, and where their copies
-- are. Plain SQL that H2 and PostgreSQL both accept.

CREATE TABLE regions (
  label VARCHAR(100) PRIMARY KEY,
  store_uri VARCHAR(2000) NOT NULL
);

CREATE TABLE virtual_buckets (
  name VARCHAR(63) PRIMARY KEY,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  policy VARCHAR(200) NOT NULL,
  -- The prefix under which this bucket's copies live in every region's store.
  physical_prefix VARCHAR(200) NOT NULL
);

-- One row per version of an object. Status: pending (being written), ready (the current version,
-- at most one per key), pending_deletion (overwritten or deleted; its copies are being removed).
CREATE TABLE object_versions (
  version_id VARCHAR(40) PRIMARY KEY,
  bucket VARCHAR(63) NOT NULL REFERENCES virtual_buckets (name),
  object_key VARCHAR(1024) NOT NULL,
  size_bytes BIGINT NOT NULL,
  etag VARCHAR(100),
  md5 VARCHAR(32),
  content_type VARCHAR(255),
  user_metadata VARCHAR(8192) NOT NULL,
  status VARCHAR(20) NOT NULL,
  base_region VARCHAR(100) NOT NULL REFERENCES regions (label),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT object_versions_status CHECK (status IN ('pending', 'ready', 'pending_deletion'))
);

CREATE INDEX object_versions_by_key ON object_versions (bucket, object_key, status);

-- One row per copy of a version in one region. A copy is readable when both it and its version are
-- ready; expires_at is when a policy may evict it (NULL: kept; the base copy is never evicted).
CREATE TABLE physical_copies (
  version_id VARCHAR(40) NOT NULL REFERENCES object_versions (version_id) ON DELETE CASCADE,
  region VARCHAR(100) NOT NULL REFERENCES regions (label),
  physical_key VARCHAR(2000) NOT NULL,
  status VARCHAR(20) NOT NULL,
  is_base BOOLEAN NOT NULL,
  stored_at TIMESTAMP WITH TIME ZONE,
  expires_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (version_id, region),
  CONSTRAINT physical_copies_status CHECK (status IN ('pending', 'ready', 'pending_deletion'))
);

CREATE INDEX physical_copies_by_status ON physical_copies (status);
