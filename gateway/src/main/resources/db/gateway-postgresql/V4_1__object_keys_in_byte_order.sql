-- PostgreSQL only. S3 lists keys in the order of their UTF-8 bytes; PostgreSQL compares text by
-- the database's collation (en_US, ICU, ...), which sorts 'B' between 'a' and 'c' and skips
-- punctuation. The "C" collation compares bytes: object keys use it, so listings, markers and
-- continuation tokens follow S3's order whatever collation the database was created with.
ALTER TABLE object_versions ALTER COLUMN object_key TYPE VARCHAR(1024) COLLATE "C";
