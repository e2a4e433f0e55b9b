-- grain: one row per credited party of an image.
-- Each credit with its article's outlet and publication date, for the credit marts.
select
    credits.article_id,
    credits.image_position,
    credits.credit_position,
    credits.credit_role,
    credits.credit_name,
    articles.outlet,
    articles.published_date,
    articles.published_month
from stg_image_credits as credits
inner join stg_articles as articles using (article_id)
