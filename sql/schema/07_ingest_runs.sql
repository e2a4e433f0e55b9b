-- ingest_runs: one row per ingest run. Mirrors transforms/schema.py and CONTRACT.md; do not reorder.
CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id             VARCHAR,
    started_at         TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ,
    status             VARCHAR,
    sources_seen       INTEGER,
    articles_new       INTEGER,
    articles_updated   INTEGER,
    articles_unchanged INTEGER,
    rejects            INTEGER,
    PRIMARY KEY (run_id)
);

COMMENT ON TABLE ingest_runs IS 'one row per ingest run';
COMMENT ON COLUMN ingest_runs.run_id IS 'the run';
COMMENT ON COLUMN ingest_runs.started_at IS 'when the run started';
COMMENT ON COLUMN ingest_runs.finished_at IS 'when the run finished';
COMMENT ON COLUMN ingest_runs.status IS 'running, completed, completed_with_test_failures or failed';
COMMENT ON COLUMN ingest_runs.sources_seen IS 'source files discovered';
COMMENT ON COLUMN ingest_runs.articles_new IS 'articles loaded for the first time';
COMMENT ON COLUMN ingest_runs.articles_updated IS 'articles whose content changed and were replaced';
COMMENT ON COLUMN ingest_runs.articles_unchanged IS 'articles seen again with the same content';
COMMENT ON COLUMN ingest_runs.rejects IS 'sources rejected in this run';
