-- grain: one row per ingest run.
-- The run's own counters next to what the warehouse holds for it: reject rows and their
-- reasons, and the articles whose current version that run loaded.
with
rejects as (
    select
        run_id,
        count(*) as n_rejects_recorded,
        list(distinct reject_reason order by reject_reason) as reject_reasons
    from stg_ingest_rejects
    group by run_id
),

loaded as (
    select run_id, count(*) as n_articles_current
    from stg_articles
    group by run_id
)

select
    runs.run_id,
    runs.started_at,
    runs.finished_at,
    runs.run_status,
    epoch(runs.finished_at) - epoch(runs.started_at) as duration_seconds,
    runs.n_sources_seen,
    runs.n_articles_new,
    runs.n_articles_updated,
    runs.n_articles_unchanged,
    runs.n_rejects,
    coalesce(rejects.n_rejects_recorded, 0) as n_rejects_recorded,
    coalesce(rejects.reject_reasons, []::varchar[]) as reject_reasons,
    coalesce(loaded.n_articles_current, 0) as n_articles_current
from stg_ingest_runs as runs
left join rejects using (run_id)
left join loaded using (run_id)
