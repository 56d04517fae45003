-- The worklist behind aex_oos_listings: one row per listing active at as_of with no AliExpress stock on any
-- SKU (live, but nothing to buy: the AliExpress-side view of the oversell risk).
with listings as (
    select * from {{ ref('int_aliexpress__listings_at_as_of') }}
)

select
    store_key,
    product_id,
    listing_title,
    state_since,
    sku_count,
    aliexpress_stock
from listings
where lifecycle_state = 'active' and not is_buyable
