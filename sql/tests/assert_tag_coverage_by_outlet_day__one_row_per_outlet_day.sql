-- The mart's grain: one row per outlet (NULL included) and published_date.
select outlet, published_date, count(*) as n_rows
from tag_coverage_by_outlet_day
group by outlet, published_date
having count(*) > 1
