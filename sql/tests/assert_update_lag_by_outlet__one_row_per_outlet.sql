-- The mart's grain: one row per outlet (NULL included).
select outlet, count(*) as n_rows
from update_lag_by_outlet
group by outlet
having count(*) > 1
