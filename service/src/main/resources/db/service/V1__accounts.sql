-- People who use the service: an admin manages datasets and jobs, a researcher browses the
-- catalogue and requests exports. Bearer tokens are signed, not stored: a token names its account,
-- and an account removed or changed here takes effect on the next request.
CREATE TABLE accounts (
  name VARCHAR(200) PRIMARY KEY,
  role VARCHAR(20) NOT NULL,
  created_millis BIGINT NOT NULL
);
