-- grain: one row per outlet (articles without an outlet are left out).
-- An outlet's name, its host (the URL host most of its articles carry; ties: the
-- alphabetically first; NULL when none has a URL), every host seen, the languages it
-- publishes in (most articles first, then by code), where its name came from
-- (articles.outlet_source values), its article count and first and last dates.
with
named_articles as (
    select *
    from stg_articles
    where outlet is not null
),

hosts as (
    select outlet, url_host, count(*) as n_articles
    from named_articles
    where url_host is not null
    group by outlet, url_host
),

host_lists as (
    select
        outlet,
        any_value(url_host) filter (where host_rank = 1) as outlet_host,
        list(url_host order by url_host) as hosts
    from (
        select
            *,
            row_number() over (partition by outlet order by n_articles desc, url_host)
                as host_rank
        from hosts
    )
    group by outlet
),

languages as (
    select outlet, language, count(*) as n_articles
    from named_articles
    where language is not null
    group by outlet, language
),

language_lists as (
    select outlet, list(language order by n_articles desc, language) as languages
    from languages
    group by outlet
),

outlets as (
    select
        outlet,
        count(*) as n_articles,
        list(distinct outlet_source order by outlet_source)
            filter (where outlet_source is not null) as outlet_sources,
        min(published_date) as first_published_date,
        max(published_date) as last_published_date
    from named_articles
    group by outlet
)

select
    outlets.outlet,
    host_lists.outlet_host,
    coalesce(host_lists.hosts, []::varchar[]) as hosts,
    coalesce(language_lists.languages, []::varchar[]) as languages,
    coalesce(outlets.outlet_sources, []::varchar[]) as outlet_sources,
    outlets.n_articles,
    outlets.first_published_date,
    outlets.last_published_date
from outlets
left join host_lists using (outlet)
left join language_lists using (outlet)
