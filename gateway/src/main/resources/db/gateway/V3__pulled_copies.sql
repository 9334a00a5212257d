-- Copies placed by reads under a pull policy: the region each was pulled from (a TTL is priced by
-- that pair of regions) and when it was last read (LRU order). Both are NULL for the copies that
-- writes place (the base copy and pushed replicas).
ALTER TABLE physical_copies ADD COLUMN pulled_from VARCHAR(100);
ALTER TABLE physical_copies ADD COLUMN last_read_at TIMESTAMP WITH TIME ZONE;

CREATE INDEX physical_copies_by_expiry ON physical_copies (expires_at);
