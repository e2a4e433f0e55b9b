-- grain: one row per article per agency named in its byline or on its photos.
-- Agencies as the byline and credit normalizers recognise them (canonical names from
-- transforms/lexicon/agencies.json): authors of kind 'agency' and image credits of role
-- 'agency'; with where the article names each one and on how many of its images.
with
mentions as (
    select article_id, author_name as agency, true as is_byline, null::integer as image_position
    from stg_article_authors
    where author_kind = 'agency' and author_name is not null

    union all

    select article_id, credit_name as agency, false as is_byline, image_position
    from stg_image_credits
    where credit_role = 'agency' and credit_name is not null
)

select
    article_id,
    agency,
    bool_or(is_byline) as is_in_byline,
    bool_or(not is_byline) as is_on_photo,
    count(distinct image_position) as n_images
from mentions
group by article_id, agency
