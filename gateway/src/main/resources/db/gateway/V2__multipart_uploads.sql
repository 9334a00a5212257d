-- Multipart uploads in progress. An upload is a pending version (its id is the upload id clients
-- see) whose bytes are assembled from parts in the base region's store; completing it commits the
-- version like a PUT, aborting it removes the version, and both remove these rows.
CREATE TABLE multipart_uploads (
  upload_id VARCHAR(40) PRIMARY KEY REFERENCES object_versions (version_id) ON DELETE CASCADE,
  -- The region whose store holds the parts, and that store's own id of the upload.
  region VARCHAR(100) NOT NULL REFERENCES regions (label),
  store_upload_id VARCHAR(1024) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX multipart_uploads_by_created ON multipart_uploads (created_at);

-- The parts stored so far; uploading a part number again replaces the row.
CREATE TABLE multipart_parts (
  upload_id VARCHAR(40) NOT NULL REFERENCES multipart_uploads (upload_id) ON DELETE CASCADE,
  part_number INT NOT NULL,
  size_bytes BIGINT NOT NULL,
  -- Hex MD5 of the part's bytes as received (the part's ETag for clients).
  md5 VARCHAR(32) NOT NULL,
  -- The store's token for the part, and the MD5 the store computed when it has one.
  store_etag VARCHAR(1024) NOT NULL,
  store_md5 VARCHAR(32),
  uploaded_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
