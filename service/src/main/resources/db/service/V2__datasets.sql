-- The catalogue: a dataset is a store location with a name, owners and tags; its profile (a JSON
-- document written by the profiling job) and, for tabular datasets, its columns (for search and
-- for checking export requests).
CREATE TABLE datasets (
  name VARCHAR(200) PRIMARY KEY,
  description VARCHAR NOT NULL,
  owners VARCHAR NOT NULL,
  store_uri VARCHAR NOT NULL,
  format VARCHAR(20) NOT NULL,
  profile_status VARCHAR(20) NOT NULL,
  profile_message VARCHAR,
  profile VARCHAR,
  created_by VARCHAR(200) NOT NULL,
  created_millis BIGINT NOT NULL,
  profiled_millis BIGINT
);

CREATE TABLE dataset_tags (
  dataset VARCHAR(200) NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
  tag VARCHAR(200) NOT NULL,
  PRIMARY KEY (dataset, tag)
);

CREATE TABLE dataset_columns (
  dataset VARCHAR(200) NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
  position INT NOT NULL,
  name VARCHAR(200) NOT NULL,
  type VARCHAR(20) NOT NULL,
  PRIMARY KEY (dataset, position)
);
CREATE INDEX dataset_columns_by_name ON dataset_columns(name);
