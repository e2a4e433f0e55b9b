-- Every image_credits row belongs to an article (a batch lands whole or not at all).
select child.*
from image_credits as child
anti join articles using (article_id)
