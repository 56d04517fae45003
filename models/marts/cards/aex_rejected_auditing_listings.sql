-- The worklist behind aex_rejected_auditing_listings: one row per listing in `auditing` or `rejected`
-- at as_of, with its latest rejection reason, since when it is in that state and what to do.
with listings as (
    select * from {{ ref('int_aliexpress__listings_at_as_of') }}
)

select
    store_key,
    product_id,
    listing_title,
    lifecycle_state,
    product_status_type,
    ws_display,
    state_since,
    {{ dbt.datediff('state_since', as_of(), 'hour') }}
        as hours_in_state,
    last_rejected_at,
    last_rejection_reason_code,
    last_rejection_reason,
    last_rejection_cause,
    case
        when lifecycle_state = 'rejected' then coalesce(last_rejection_action, state_action)
        else state_action
    end as suggested_action
from listings
where lifecycle_state in ('auditing', 'rejected')
