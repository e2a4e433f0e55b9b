-- grain: one row per credited party of an image.
select
    article_id,
    image_position,
    position as credit_position,
    role as credit_role,
    name as credit_name
from image_credits
