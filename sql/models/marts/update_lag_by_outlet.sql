-- grain: one row per outlet (NULL outlet is its own row).
-- How long after publication an outlet's articles are updated, for articles that state
-- both instants (published_at and updated_at): how many were updated later, at the very
-- instant of publication (many pages repeat it) or before it (inconsistent metadata), and
-- the lag in hours of those updated later (median, 90th percentile, longest; NULL when none).
with
lags as (
    select
        outlet,
        published_at,
        updated_at,
        (epoch(updated_at) - epoch(published_at)) / 3600.0 as lag_hours
    from stg_articles
)

select
    outlet,
    count(*) as n_articles,
    count(lag_hours) as n_with_both_instants,
    count(*) filter (where lag_hours > 0) as n_updated_later,
    count(*) filter (where lag_hours = 0) as n_updated_at_publication,
    count(*) filter (where lag_hours < 0) as n_updated_before_publication,
    quantile_cont(lag_hours, 0.5) filter (where lag_hours > 0) as median_update_lag_hours,
    quantile_cont(lag_hours, 0.9) filter (where lag_hours > 0) as p90_update_lag_hours,
    max(lag_hours) filter (where lag_hours > 0) as max_update_lag_hours
from lags
group by outlet
