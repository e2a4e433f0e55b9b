-- ingest_sources: internal bookkeeping, not part of the contract (not exported).
-- One row per source file ever loaded; the loader skips a file whose bytes hash the same.
CREATE TABLE IF NOT EXISTS ingest_sources (
    source_path VARCHAR,
    file_hash   VARCHAR,
    n_records   INTEGER,
    article_ids VARCHAR[],
    last_run_id VARCHAR,
    loaded_at   TIMESTAMPTZ,
    PRIMARY KEY (source_path)
);

COMMENT ON TABLE ingest_sources IS 'internal, not part of the contract: one row per source file loaded, so unchanged files are skipped';
COMMENT ON COLUMN ingest_sources.source_path IS 'absolute path of the source file';
COMMENT ON COLUMN ingest_sources.file_hash IS 'hash of the file''s bytes when it was last loaded';
COMMENT ON COLUMN ingest_sources.n_records IS 'records (articles or rejects) the file yielded';
COMMENT ON COLUMN ingest_sources.article_ids IS 'articles the file yielded, so a changed or vanished record can be replaced';
COMMENT ON COLUMN ingest_sources.last_run_id IS 'the ingest run that last loaded the file';
COMMENT ON COLUMN ingest_sources.loaded_at IS 'when the file was last loaded';

-- ingest_source_stats: internal, beside ingest_sources (a warehouse from 0.1.0 gains it
-- empty, so its first run hashes every file once, as 0.1.0 did, and fills it).
-- One row per source file whose bytes were hashed; a file whose size and mtime still match,
-- and whose mtime is well before checked_at, is skipped unread.
CREATE TABLE IF NOT EXISTS ingest_source_stats (
    source_path   VARCHAR,
    file_size     BIGINT,
    file_mtime_ns BIGINT,
    checked_at    TIMESTAMPTZ,
    PRIMARY KEY (source_path)
);

COMMENT ON TABLE ingest_source_stats IS 'internal, not part of the contract: one row per source file hashed, so an unchanged file is skipped without reading it';
COMMENT ON COLUMN ingest_source_stats.source_path IS 'absolute path of the source file (as in ingest_sources)';
COMMENT ON COLUMN ingest_source_stats.file_size IS 'size in bytes when the file was last hashed';
COMMENT ON COLUMN ingest_source_stats.file_mtime_ns IS 'modification time, ns since the epoch, when the file was last hashed';
COMMENT ON COLUMN ingest_source_stats.checked_at IS 'when the batch that hashed the file began reading; an mtime within 2 s before it is not trusted';

-- 0.4.0: object-store sources (s3://) are known unchanged by size and ETag. Added, not
-- created with the table, so a warehouse of 0.3.0 or before gains the column (empty) too.
ALTER TABLE ingest_source_stats ADD COLUMN IF NOT EXISTS object_etag VARCHAR;
COMMENT ON COLUMN ingest_source_stats.object_etag IS 'ETag of an object-store source (s3://) when it was last hashed; null for a local file';
