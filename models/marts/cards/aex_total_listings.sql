-- The worklist behind aex_total_listings: one row per listing current at as_of, in every lifecycle state.
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
    sku_count,
    aliexpress_stock,
    is_buyable,
    offline_at
from listings
