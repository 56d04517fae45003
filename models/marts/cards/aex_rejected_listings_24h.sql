-- The worklist behind aex_rejected_listings_24h: one row per listing with at least one rejection
-- transition in the card's window (as_of - window_hours, as_of]; the card's value is the sum of `transition_count`.
with all_transitions as (
    select * from {{ ref('int_aliexpress__rejection_transitions') }}
),

rejection_windows as (
    select * from {{ ref('int_aliexpress__rejection_windows') }}
),

listings as (
    select * from {{ ref('int_aliexpress__listings_at_as_of') }}
),

card_window as (
    select * from rejection_windows
    where windows_before = 0
),

transitions as (
    select all_transitions.*
    from all_transitions
    inner join card_window
        on all_transitions.store_key = card_window.store_key
        and {{ in_window('all_transitions.rejected_at', 'card_window.window_start', 'card_window.window_end') }}
),

per_listing as (
    select
        store_key,
        product_id,
        count(*) as transition_count,
        min(rejected_at) as first_rejected_at,
        max(rejected_at) as last_rejected_at,
        {{ sorted_distinct_list('cause') }} as causes,
        {{ sorted_distinct_list('reason_code') }} as reason_codes,
        max(case when is_derived then 1 else 0 end) = 1 as has_derived_outcome
    from transitions
    group by store_key, product_id
)

select
    per_listing.store_key,
    per_listing.product_id,
    listings.listing_title,
    listings.lifecycle_state,
    per_listing.transition_count,
    per_listing.first_rejected_at,
    per_listing.last_rejected_at,
    per_listing.causes,
    per_listing.reason_codes,
    listings.last_rejection_reason,
    listings.last_rejection_action as suggested_action,
    per_listing.has_derived_outcome
from per_listing
left join listings
    on per_listing.store_key = listings.store_key and per_listing.product_id = listings.product_id
