-- Every image credit points to an existing image of its article.
select credits.*
from image_credits as credits
left join article_images as images
    on images.article_id = credits.article_id and images.position = credits.image_position
where images.article_id is null
