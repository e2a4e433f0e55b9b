-- The mart's grain: one row per outlet (NULL included) and published_month.
select outlet, published_month, count(*) as n_rows
from syndication_by_outlet_month
group by outlet, published_month
having count(*) > 1
