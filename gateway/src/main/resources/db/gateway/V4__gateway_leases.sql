-- Several gateway processes may share one namespace (PostgreSQL). Each running gateway holds a
-- lease it renews while it lives; a write is owned by the gateway that began it. A pending write is
-- only resolved (rolled back) by another gateway once its owner's lease has expired, so a live
-- gateway's writes in progress are never taken from it. Plain SQL that H2 and PostgreSQL both
-- accept.

CREATE TABLE gateway_leases (
  gateway_id VARCHAR(40) PRIMARY KEY,
  -- Where the gateway runs (host name and process id), for operators.
  holder VARCHAR(200) NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  renewed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  -- The lease holds until then unless renewed; past it the gateway counts as gone.
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The gateway that began a version (for a ready version with replicas still owed: the gateway
-- filling them). NULL for versions written before leases existed: no live owner.
ALTER TABLE object_versions ADD COLUMN writer VARCHAR(40);

CREATE INDEX object_versions_by_status ON object_versions (status);
