-- The mart's grain: one row per outlet (NULL included) and hour, each of the 24 hours once.
select outlet, count(*) as n_rows, count(distinct published_hour) as n_hours
from publication_hours_by_outlet
group by outlet
having count(*) <> 24
    or count(distinct published_hour) <> 24
    or min(published_hour) <> 0
    or max(published_hour) <> 23
