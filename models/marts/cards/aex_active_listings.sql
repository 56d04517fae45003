-- The worklist behind aex_active_listings: one row per listing active (onSelling) at as_of.
with listings as (
    select * from {{ ref('int_aliexpress__listings_at_as_of') }}
)

select
    store_key,
    product_id,
    listing_title,
    state_since,
    sku_count,
    aliexpress_stock,
    is_buyable,
    offline_at
from listings
where lifecycle_state = 'active'
