-- grain: one row per article.
-- How many paragraphs, images, related links, authors and tags each article has (0 when none).
with
paragraphs as (
    select article_id, count(*) as n_paragraphs
    from stg_article_paragraphs
    group by article_id
),

images as (
    select article_id, count(*) as n_images
    from stg_article_images
    group by article_id
),

links as (
    select article_id, count(*) as n_related_links
    from stg_related_links
    group by article_id
),

authors as (
    select article_id, count(*) as n_authors
    from stg_article_authors
    group by article_id
),

tags as (
    select article_id, count(*) as n_tags
    from stg_article_tags
    group by article_id
)

select
    articles.article_id,
    coalesce(paragraphs.n_paragraphs, 0) as n_paragraphs,
    coalesce(images.n_images, 0) as n_images,
    coalesce(links.n_related_links, 0) as n_related_links,
    coalesce(authors.n_authors, 0) as n_authors,
    coalesce(tags.n_tags, 0) as n_tags
from stg_articles as articles
left join paragraphs using (article_id)
left join images using (article_id)
left join links using (article_id)
left join authors using (article_id)
left join tags using (article_id)
