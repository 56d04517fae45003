{{ config(tags=['reconciliation']) }}
-- aex_rejected_auditing_listings = listings whose catalogue state at as_of maps to auditing or rejected,
-- recomputed from staging and the lifecycle seed (exact ws_display first, then `*`).
with listing_states as (
    {{ recount_listing_states() }}
),

recomputed as (
    select
        store_key,
        count(distinct product_id) as listings
    from listing_states
    where lifecycle_state in ('auditing', 'rejected')
    group by store_key
)

select
    cards.store_key,
    cards.value,
    coalesce(recomputed.listings, 0) as recomputed
from {{ ref('kpi_cards') }} as cards
left join recomputed on cards.store_key = recomputed.store_key
where
    cards.card_key = 'aex_rejected_auditing_listings'
    and cards.value is not null
    and cards.value <> coalesce(recomputed.listings, 0)
