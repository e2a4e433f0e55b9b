-- grain: one row per image of an article.
select
    article_id,
    position as image_position,
    url as image_url,
    caption,
    caption_label,
    is_cover,
    credit_raw
from article_images
