{{ config(tags=['reconciliation']) }}
-- Total = Σ states: per store, the listings staging holds as valid at as_of, put in their lifecycle state by
-- the seed (exact ws_display first, then `*`, else `unknown`), must equal kpi_card_breakdowns bucket by bucket,
-- and their sum the card's value. Recomputed from staging and the seed, not from the card's models.
with listing_states as (
    {{ recount_listing_states() }}
),

recomputed as (
    select
        store_key,
        lifecycle_state,
        count(*) as listings
    from listing_states
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
