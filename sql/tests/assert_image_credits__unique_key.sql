-- (article_id, image_position, position) identifies one image_credits row.
select article_id, image_position, position, count(*) as n_rows
from image_credits
group by article_id, image_position, position
having count(*) > 1 or bool_or(article_id is null or image_position is null or position is null)
