-- ingest_runs.status is one of the contract's values: 'running', 'completed', 'completed_with_test_failures', 'failed'.
select *
from ingest_runs
where status is null or status not in ('running', 'completed', 'completed_with_test_failures', 'failed')
