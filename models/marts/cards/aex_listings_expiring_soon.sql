-- The worklist behind aex_listings_expiring_soon: one row per listing active at as_of whose validity
-- period (`ws_offline_date`) ends within `expiring_soon_days` after as_of.
with listings as (
    select * from {{ ref('int_aliexpress__listings_at_as_of') }}
)

select
    store_key,
    product_id,
    listing_title,
    offline_at,
    {{ dbt.datediff(as_of(), 'offline_at', 'day') }} as days_to_expiry,
    aliexpress_stock
from listings
where
    lifecycle_state = 'active'
    and offline_at > {{ as_of() }}
    and offline_at <= {{ dbt.dateadd('day', var('expiring_soon_days'), as_of()) }}
