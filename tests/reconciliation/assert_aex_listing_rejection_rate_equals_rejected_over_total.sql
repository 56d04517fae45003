{{ config(tags=['reconciliation']) }}
-- aex_listing_rejection_rate = the rejected bucket of aex_total_listings' breakdown / aex_total_listings.
with total as (
    select
        store_key,
        value
    from {{ ref('kpi_cards') }}
    where card_key = 'aex_total_listings'
),

rejected as (
    select
        store_key,
        value
    from {{ ref('kpi_card_breakdowns') }}
    where card_key = 'aex_total_listings' and bucket = 'rejected'
)

select
    rate.store_key,
    rate.value as rate,
    coalesce(rejected.value, 0) as rejected,
    total.value as total
from {{ ref('kpi_cards') }} as rate
inner join total on rate.store_key = total.store_key
left join rejected on rate.store_key = rejected.store_key
where
    rate.card_key = 'aex_listing_rejection_rate'
    and total.value > 0
    and abs(rate.value - coalesce(rejected.value, 0) * 1.0 / total.value) > 0.000001
