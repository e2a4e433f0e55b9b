-- grain: one row per article that has at least one image credit.
-- Distinct agencies and photographers credited on the article's images, in order of
-- first appearance on the page.
with
first_mentions as (
    select
        article_id,
        credit_role,
        credit_name,
        -- structs compare field by field: the earliest image, then the earliest slot in its credit
        min({'image_position': image_position, 'credit_position': credit_position})
            as first_mention
    from stg_image_credits
    where credit_role in ('agency', 'photographer') and credit_name is not null
    group by article_id, credit_role, credit_name
)

select
    article_id,
    list(credit_name order by first_mention, credit_name)
        filter (where credit_role = 'agency') as agencies,
    list(credit_name order by first_mention, credit_name)
        filter (where credit_role = 'photographer') as photographers
from first_mentions
group by article_id
