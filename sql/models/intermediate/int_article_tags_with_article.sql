-- grain: one row per tag of an article.
-- Each tag with the article's outlet and publication month, for monthly_tag_counts.
select
    tags.article_id,
    tags.tag_position,
    tags.tag,
    tags.tag_key,
    articles.outlet,
    articles.published_date,
    articles.published_month
from stg_article_tags as tags
inner join stg_articles as articles using (article_id)
