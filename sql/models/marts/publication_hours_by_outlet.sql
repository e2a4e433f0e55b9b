-- grain: one row per outlet per hour of the day (local, 0-23).
-- When an outlet publishes: its articles with a known publication instant (published_at)
-- by the hour of the clock they went out at, every hour listed (0 when none) for each
-- outlet with at least one such article; share is of the outlet's timed articles. The
-- hour is local as the page states it (published_at shifted by published_offset_minutes),
-- UTC for a page that states no offset, whatever the session's TimeZone.
with
timed_articles as (
    select
        outlet,
        hour(
            timezone('UTC', published_at)
            + to_minutes(coalesce(published_offset_minutes, 0)::bigint)
        ) as published_hour
    from stg_articles
    where published_at is not null
),

outlet_hours as (
    select distinct timed_articles.outlet, hours.published_hour
    from timed_articles
    cross join (select unnest(range(24)) as published_hour) as hours
),

counts as (
    select outlet, published_hour, count(*) as n_articles
    from timed_articles
    group by outlet, published_hour
)

select
    outlet_hours.outlet,
    outlet_hours.published_hour,
    coalesce(counts.n_articles, 0) as n_articles,
    coalesce(counts.n_articles, 0)
        / sum(coalesce(counts.n_articles, 0)) over (partition by outlet_hours.outlet) as share
from outlet_hours
left join counts
    on counts.outlet is not distinct from outlet_hours.outlet
    and counts.published_hour = outlet_hours.published_hour
