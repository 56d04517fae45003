{{ config(tags=['reconciliation']) }}
-- aex_rejected_auditing_listings = listings whose catalogue state at as_of maps to auditing or rejected,
-- recomputed from staging and the lifecycle seed (exact ws_display first, then `*`).
with current_listings as (
    select distinct
        store_key,
        product_id,
        product_status_type,
        coalesce(ws_display, '') as ws_display
    from {{ ref('stg_aliexpress__listings') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

states as (
    select
        product_status_type,
        coalesce(ws_display, '') as ws_display,
        lifecycle_state
    from {{ ref('aliexpress_lifecycle_states') }}
),

mapped as (
    select
        current_listings.store_key,
        current_listings.product_id,
        coalesce(
            (
                select states.lifecycle_state from states
                where
                    states.product_status_type = current_listings.product_status_type
                    and states.ws_display = current_listings.ws_display and states.ws_display <> '*'
            ),
            (
                select states.lifecycle_state from states
                where
                    states.product_status_type = current_listings.product_status_type
                    and states.ws_display = '*'
            )
        ) as lifecycle_state
    from current_listings
),

recomputed as (
    select
        store_key,
        count(distinct product_id) as listings
    from mapped
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
