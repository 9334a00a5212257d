-- Keys deleted through the gateway in a bucket with an archive tier. The archive copy is removed
-- too, but where that fails (an archive store the gateway may not delete from, an outage) the
-- tombstone still hides it: archive objects last modified at or before deleted_at are not read
-- through or listed. A copy archived after the delete (a new object) is shown again.
CREATE TABLE archive_tombstones (
  bucket VARCHAR(63) NOT NULL,
  object_key VARCHAR(1024) NOT NULL,
  deleted_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (bucket, object_key)
);
