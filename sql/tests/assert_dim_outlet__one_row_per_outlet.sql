-- The dimension's grain: one row per named outlet.
select outlet, count(*) as n_rows
from dim_outlet
group by outlet
having count(*) > 1 or outlet is null
