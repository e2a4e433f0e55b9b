-- grain: one row per photographer (credit name with role photographer).
-- What they shot, when, for which outlets, and which agencies distributed it.
with
photographer_credits as (
    select *
    from int_image_credits_with_article
    where credit_role = 'photographer' and credit_name is not null
),

agencies_per_image as (
    select article_id, image_position, credit_name as agency
    from int_image_credits_with_article
    where credit_role = 'agency' and credit_name is not null
)

select
    photographer_credits.credit_name as photographer,
    count(distinct {
        'article_id': photographer_credits.article_id,
        'image_position': photographer_credits.image_position
    }) as n_images,
    count(distinct photographer_credits.article_id) as n_articles,
    min(photographer_credits.published_date) as first_published_date,
    max(photographer_credits.published_date) as last_published_date,
    coalesce(
        list(distinct agencies_per_image.agency order by agencies_per_image.agency)
            filter (where agencies_per_image.agency is not null),
        []::varchar[]
    ) as agencies,
    coalesce(
        list(distinct photographer_credits.outlet order by photographer_credits.outlet)
            filter (where photographer_credits.outlet is not null),
        []::varchar[]
    ) as outlets
from photographer_credits
left join agencies_per_image using (article_id, image_position)
group by photographer_credits.credit_name
