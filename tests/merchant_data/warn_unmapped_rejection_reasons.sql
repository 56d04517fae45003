{{ config(severity='warn', tags=['merchant_data']) }}
-- Rejection reason codes the seed rejection_reasons does not map (their cause shows as `other`).
select
    transitions.store_key,
    transitions.reason_code,
    count(*) as transitions
from {{ ref('int_aliexpress__rejection_transitions') }} as transitions
left join {{ ref('rejection_reasons') }} as reasons on transitions.reason_code = reasons.reason_code
where transitions.reason_code is not null and reasons.reason_code is null
group by transitions.store_key, transitions.reason_code
