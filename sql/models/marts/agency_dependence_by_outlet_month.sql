-- grain: one row per outlet per published_month ('YYYY-MM').
-- How much an outlet's month leans on news agencies: articles bylined by an agency,
-- images credited to one (agency_image_share is NULL when the month has no image), the
-- agencies named in bylines or photo credits, and the one named on the most articles
-- (ties: the alphabetically first; NULL when none). Undated articles are left out.
with
dated_articles as (
    select article_id, outlet, published_month
    from stg_articles
    where published_month is not null
),

images_per_article as (
    select article_id, count(*) as n_images
    from stg_article_images
    group by article_id
),

agency_bylined_articles as (
    select distinct article_id
    from int_article_agencies
    where is_in_byline
),

agency_images_per_article as (
    -- an image credited to two agencies counts once
    select article_id, count(distinct image_position) as n_agency_images
    from stg_image_credits
    where credit_role = 'agency' and credit_name is not null
    group by article_id
),

months as (
    select
        dated_articles.outlet,
        dated_articles.published_month,
        count(*) as n_articles,
        count(bylined.article_id) as n_agency_byline_articles,
        coalesce(sum(images.n_images), 0) as n_images,
        coalesce(sum(agency_images.n_agency_images), 0) as n_agency_images
    from dated_articles
    left join images_per_article as images using (article_id)
    left join agency_bylined_articles as bylined using (article_id)
    left join agency_images_per_article as agency_images using (article_id)
    group by dated_articles.outlet, dated_articles.published_month
),

agencies as (
    select
        dated_articles.outlet,
        dated_articles.published_month,
        agencies.agency,
        count(distinct agencies.article_id) as n_articles,
        row_number() over (
            partition by dated_articles.outlet, dated_articles.published_month
            order by count(distinct agencies.article_id) desc, agencies.agency
        ) as agency_rank,
        count(*) over (
            partition by dated_articles.outlet, dated_articles.published_month
        ) as n_agencies
    from int_article_agencies as agencies
    inner join dated_articles using (article_id)
    group by dated_articles.outlet, dated_articles.published_month, agencies.agency
)

select
    months.outlet,
    months.published_month,
    months.n_articles,
    months.n_agency_byline_articles,
    months.n_agency_byline_articles / months.n_articles as agency_byline_share,
    months.n_images,
    months.n_agency_images,
    months.n_agency_images / nullif(months.n_images, 0) as agency_image_share,
    coalesce(top.n_agencies, 0) as n_agencies,
    top.agency as top_agency,
    coalesce(top.n_articles, 0) as n_top_agency_articles
from months
left join agencies as top
    on top.outlet is not distinct from months.outlet
    and top.published_month = months.published_month
    and top.agency_rank = 1
