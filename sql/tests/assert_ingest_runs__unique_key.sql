-- (run_id) identifies one ingest_runs row.
select run_id, count(*) as n_rows
from ingest_runs
group by run_id
having count(*) > 1 or bool_or(run_id is null)
