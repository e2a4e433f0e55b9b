-- related_links.kind is one of the contract's values: 'read_also', 'recommended', 'other'.
select *
from related_links
where kind is null or kind not in ('read_also', 'recommended', 'other')
