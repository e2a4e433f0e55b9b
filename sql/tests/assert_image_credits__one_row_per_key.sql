-- One row per (article_id, image_position, position): the table's key, which the loader keeps unique (no index holds it).
select article_id, image_position, position, count(*) as n_rows
from image_credits
group by article_id, image_position, position
having count(*) > 1
