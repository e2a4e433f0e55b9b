-- grain: one row per outlet per published_month ('YYYY-MM') per agency.
-- Images and articles crediting the agency; undated articles are left out.
select
    outlet,
    published_month,
    credit_name as agency,
    count(distinct {'article_id': article_id, 'image_position': image_position}) as n_images,
    count(distinct article_id) as n_articles
from int_image_credits_with_article
where credit_role = 'agency' and credit_name is not null and published_month is not null
group by outlet, published_month, credit_name
