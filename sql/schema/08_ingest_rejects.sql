-- ingest_rejects: one row per source rejected by a run. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
CREATE TABLE IF NOT EXISTS ingest_rejects (
    run_id      VARCHAR,
    source_uri  VARCHAR,
    reason      VARCHAR,
    detail      VARCHAR,
    rejected_at TIMESTAMPTZ
);

COMMENT ON TABLE ingest_rejects IS 'one row per source rejected by a run';
COMMENT ON COLUMN ingest_rejects.run_id IS 'the run';
COMMENT ON COLUMN ingest_rejects.source_uri IS 'the rejected source';
COMMENT ON COLUMN ingest_rejects.reason IS 'short code, e.g. empty, undecodable, unsupported_format';
COMMENT ON COLUMN ingest_rejects.detail IS 'a sentence a person understands';
COMMENT ON COLUMN ingest_rejects.rejected_at IS 'when it was rejected';
