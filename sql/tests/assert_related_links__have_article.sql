-- Every related_links row belongs to an article (a batch lands whole or not at all).
select child.*
from related_links as child
anti join articles using (article_id)
