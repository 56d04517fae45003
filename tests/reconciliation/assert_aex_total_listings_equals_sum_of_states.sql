{{ config(tags=['reconciliation']) }}
-- Total = Σ states: per store, the listings staging holds as valid at as_of, put in their lifecycle state by
-- the seed (exact ws_display first, then `*`, else `unknown`), must equal kpi_card_breakdowns bucket by bucket,
-- and their sum the card's value. Recomputed from staging and the seed, not from the card's models.
with current_listings as (
    -- A listing returned by two passes of one sweep keeps its first (product_status_type, ws_display).
    select
        store_key,
        product_id,
        min(product_status_type) as product_status_type
    from {{ ref('stg_aliexpress__listings') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, product_id
),

with_display as (
    select
        current_listings.store_key,
        current_listings.product_id,
        current_listings.product_status_type,
        min(coalesce(listings.ws_display, '')) as ws_display
    from current_listings
    inner join {{ ref('stg_aliexpress__listings') }} as listings
        on current_listings.store_key = listings.store_key
        and current_listings.product_id = listings.product_id
        and current_listings.product_status_type = listings.product_status_type
        and {{ valid_at('listings.valid_from', 'listings.valid_to', as_of()) }}
    group by current_listings.store_key, current_listings.product_id, current_listings.product_status_type
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
        with_display.store_key,
        coalesce(exact_state.lifecycle_state, any_display.lifecycle_state, 'unknown') as lifecycle_state
    from with_display
    left join states as exact_state
        on with_display.product_status_type = exact_state.product_status_type
        and with_display.ws_display = exact_state.ws_display
        and exact_state.ws_display <> '*'
    left join states as any_display
        on with_display.product_status_type = any_display.product_status_type
        and any_display.ws_display = '*'
),

recomputed as (
    select
        store_key,
        lifecycle_state,
        count(*) as listings
    from mapped
    group by store_key, lifecycle_state
),

observed_cards as (
    select
        store_key,
        value
    from {{ ref('kpi_cards') }}
    where card_key = 'aex_total_listings' and value is not null
),

breakdown as (
    select
        store_key,
        bucket as lifecycle_state,
        value
    from {{ ref('kpi_card_breakdowns') }}
    where card_key = 'aex_total_listings'
),

bucket_mismatches as (
    select
        coalesce(recomputed.store_key, breakdown.store_key) as store_key,
        coalesce(recomputed.lifecycle_state, breakdown.lifecycle_state) as lifecycle_state,
        recomputed.listings as recomputed,
        breakdown.value as published
    from recomputed
    full outer join breakdown
        on recomputed.store_key = breakdown.store_key and recomputed.lifecycle_state = breakdown.lifecycle_state
    where coalesce(recomputed.listings, 0) <> coalesce(breakdown.value, 0)
),

total_mismatches as (
    select
        observed_cards.store_key,
        'all states' as lifecycle_state,
        sum(recomputed.listings) as recomputed,
        max(observed_cards.value) as published
    from observed_cards
    left join recomputed on observed_cards.store_key = recomputed.store_key
    group by observed_cards.store_key
    having coalesce(sum(recomputed.listings), 0) <> max(observed_cards.value)
)

select * from bucket_mismatches
where store_key in (select observed_cards.store_key from observed_cards)
union all
select * from total_mismatches
