{{ config(tags=['reconciliation']) }}
-- aex_rejected_listings_24h (value and distinct_listings) recounted from the outcomes themselves by another
-- formulation than the transitions model's lag(): a `refuse` is a transition unless its predecessor (the
-- latest earlier outcome of the listing by time, then event_id), found by joins and aggregates, is a
-- `refuse`. Outcomes: those received (staging; duplicate event_ids already collapsed at landing) plus the
-- ones derived from catalogue moves.
with outcomes as (
    select
        store_key,
        product_id,
        event_id,
        outcome_status,
        outcome_at
    from {{ ref('stg_aliexpress__audit_events') }}
    where outcome_at is not null
    union all
    select
        store_key,
        product_id,
        event_id,
        outcome_status,
        outcome_at
    from {{ ref('int_aliexpress__audit_outcomes') }}
    where is_derived
),

-- Each refuse in the window with every earlier outcome of its listing, ordered by (time, event_id)...
refuses_and_earlier as (
    select
        rejection.store_key,
        rejection.product_id,
        rejection.event_id,
        earlier.outcome_at as earlier_at,
        earlier.event_id as earlier_event_id,
        earlier.outcome_status as earlier_status
    from outcomes as rejection
    left join outcomes as earlier
        on rejection.store_key = earlier.store_key
        and rejection.product_id = earlier.product_id
        and (
            rejection.outcome_at > earlier.outcome_at
            or (rejection.outcome_at = earlier.outcome_at and rejection.event_id > earlier.event_id)
        )
    where
        rejection.outcome_status = 'refuse'
        and rejection.outcome_at > {{ dbt.dateadd('hour', -24, as_of()) }}
        and rejection.outcome_at <= {{ as_of() }}
),

-- ...the latest earlier time, then the latest event at that time: the predecessor...
latest_earlier_at as (
    select
        store_key,
        product_id,
        event_id,
        max(earlier_at) as earlier_at
    from refuses_and_earlier
    group by store_key, product_id, event_id
),

predecessors as (
    select
        candidates.store_key,
        candidates.product_id,
        candidates.event_id,
        max(candidates.earlier_event_id) as earlier_event_id
    from refuses_and_earlier as candidates
    inner join latest_earlier_at as latest
        on candidates.store_key = latest.store_key
        and candidates.product_id = latest.product_id
        and candidates.event_id = latest.event_id
        and candidates.earlier_at = latest.earlier_at
    group by candidates.store_key, candidates.product_id, candidates.event_id
),

-- ...and a refuse is a transition unless that predecessor is a refuse too.
transitions as (
    select distinct
        refuses.store_key,
        refuses.product_id,
        refuses.event_id
    from refuses_and_earlier as refuses
    left join predecessors
        on refuses.store_key = predecessors.store_key
        and refuses.product_id = predecessors.product_id
        and refuses.event_id = predecessors.event_id
    left join refuses_and_earlier as predecessor
        on predecessors.store_key = predecessor.store_key
        and predecessors.product_id = predecessor.product_id
        and predecessors.event_id = predecessor.event_id
        and predecessors.earlier_event_id = predecessor.earlier_event_id
    where predecessor.earlier_status is null or predecessor.earlier_status <> 'refuse'
),

recounted as (
    select
        store_key,
        count(*) as transitions,
        count(distinct product_id) as listings
    from transitions
    group by store_key
)

select
    cards.store_key,
    cards.value,
    cards.distinct_listings,
    recounted.transitions,
    recounted.listings
from {{ ref('kpi_cards') }} as cards
left join recounted on cards.store_key = recounted.store_key
where
    cards.card_key = 'aex_rejected_listings_24h'
    and cards.value is not null
    and (
        cards.value <> coalesce(recounted.transitions, 0) or cards.distinct_listings <> coalesce(recounted.listings, 0)
    )
