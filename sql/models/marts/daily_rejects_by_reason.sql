-- grain: one row per day of rejection (UTC) per reject reason.
-- Sources the ingest runs rejected, for the report's data-quality section; each
-- rejection counts, so a file rejected by two runs counts twice.
select
    cast(rejected_at as date) as rejected_date,
    reject_reason,
    count(*) as n_rejects,
    count(distinct source_uri) as n_sources,
    count(distinct run_id) as n_runs
from stg_ingest_rejects
group by rejected_date, reject_reason
