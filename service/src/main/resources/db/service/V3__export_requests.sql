-- Export requests: one row per distinct job. spec_key is the normalised request (dataset, key
-- filters, sample ratio, columns, row filters); while a request is open (queued or running) an
-- identical one joins it as a waiter instead of starting another job. A request nobody waits for
-- any more is cancelled.
CREATE TABLE export_requests (
  id VARCHAR(40) PRIMARY KEY,
  dataset VARCHAR(200) NOT NULL,
  spec_key VARCHAR NOT NULL,
  spec VARCHAR NOT NULL,
  status VARCHAR(20) NOT NULL,
  progress DOUBLE PRECISION NOT NULL,
  objects BIGINT NOT NULL,
  rows_written BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  message VARCHAR,
  result_key VARCHAR,
  created_by VARCHAR(200) NOT NULL,
  created_millis BIGINT NOT NULL,
  updated_millis BIGINT NOT NULL
);
CREATE INDEX export_requests_by_status ON export_requests(status);

CREATE TABLE export_waiters (
  request_id VARCHAR(40) NOT NULL REFERENCES export_requests(id) ON DELETE CASCADE,
  account VARCHAR(200) NOT NULL,
  joined_millis BIGINT NOT NULL,
  PRIMARY KEY (request_id, account)
);

-- The open request of each normalised spec (by the SHA-256 of spec_key): its primary key is what
-- makes two identical requests arriving at once (from one service or several sharing PostgreSQL)
-- end up as one job. The row goes when the request is done, failed or cancelled.
CREATE TABLE open_exports (
  spec_hash VARCHAR(64) PRIMARY KEY,
  request_id VARCHAR(40) NOT NULL REFERENCES export_requests(id) ON DELETE CASCADE
);
