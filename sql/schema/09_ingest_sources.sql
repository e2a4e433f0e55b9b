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
