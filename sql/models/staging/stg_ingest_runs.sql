-- grain: one row per ingest run.
select
    run_id,
    started_at,
    finished_at,
    status as run_status,
    sources_seen as n_sources_seen,
    articles_new as n_articles_new,
    articles_updated as n_articles_updated,
    articles_unchanged as n_articles_unchanged,
    rejects as n_rejects
from ingest_runs
