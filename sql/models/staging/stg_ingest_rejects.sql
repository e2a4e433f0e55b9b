-- grain: one row per source rejected by a run.
select
    run_id,
    source_uri,
    reason as reject_reason,
    detail as reject_detail,
    rejected_at
from ingest_rejects
