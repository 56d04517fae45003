{{ config(tags=['reconciliation']) }}
-- aex_total_listings = the distinct listings staging holds as valid at as_of, per observed store.
-- Recomputed from staging alone (not from the card's intermediate models).
with recomputed as (
    select
        store_key,
        count(distinct product_id) as listings
    from {{ ref('stg_aliexpress__listings') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key
)

select
    cards.store_key,
    cards.value,
    coalesce(recomputed.listings, 0) as recomputed
from {{ ref('kpi_cards') }} as cards
left join recomputed on cards.store_key = recomputed.store_key
where
    cards.card_key = 'aex_total_listings'
    and cards.value is not null
    and cards.value <> coalesce(recomputed.listings, 0)
