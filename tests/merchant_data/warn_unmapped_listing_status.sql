{{ config(severity='warn', tags=['merchant_data']) }}
-- (product_status_type, ws_display) pairs current at as_of that seeds/aliexpress_lifecycle_states does not
-- map: those listings count as `unknown` in aex_total_listings. Add the pair to the seed.
select
    store_key,
    product_status_type,
    ws_display,
    count(*) as listings
from {{ ref('int_aliexpress__listings_at_as_of') }}
where lifecycle_state = 'unknown'
group by store_key, product_status_type, ws_display
