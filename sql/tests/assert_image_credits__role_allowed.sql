-- image_credits.role is one of the contract's values: 'photographer', 'agency', 'pool', 'source', 'other'.
select *
from image_credits
where role is null or role not in ('photographer', 'agency', 'pool', 'source', 'other')
