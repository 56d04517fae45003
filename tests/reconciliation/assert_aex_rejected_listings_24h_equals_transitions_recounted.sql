{{ config(tags=['reconciliation']) }}
-- aex_rejected_listings_24h (value and distinct_listings) recounted from the outcomes themselves by another
-- formulation than the transitions model's lag(): a `refuse` is a transition unless an earlier `refuse` of the
-- listing, ordered by (time, event_id), is followed by no other outcome before it. Outcomes: those received
-- (staging; duplicate event_ids already collapsed at landing) plus the ones derived from catalogue moves.
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

transitions as (
    select
        rejection.store_key,
        rejection.product_id,
        rejection.event_id
    from outcomes as rejection
    where
        rejection.outcome_status = 'refuse'
        and rejection.outcome_at > {{ dbt.dateadd('hour', -24, as_of()) }}
        and rejection.outcome_at <= {{ as_of() }}
        and not exists (
            select 1
            from outcomes as earlier_refuse
            where
                earlier_refuse.store_key = rejection.store_key
                and earlier_refuse.product_id = rejection.product_id
                and earlier_refuse.outcome_status = 'refuse'
                and (
                    earlier_refuse.outcome_at < rejection.outcome_at
                    or (
                        earlier_refuse.outcome_at = rejection.outcome_at
                        and earlier_refuse.event_id < rejection.event_id
                    )
                )
                and not exists (
                    select 1
                    from outcomes as between_them
                    where
                        between_them.store_key = rejection.store_key
                        and between_them.product_id = rejection.product_id
                        and (
                            between_them.outcome_at > earlier_refuse.outcome_at
                            or (
                                between_them.outcome_at = earlier_refuse.outcome_at
                                and between_them.event_id > earlier_refuse.event_id
                            )
                        )
                        and (
                            between_them.outcome_at < rejection.outcome_at
                            or (
                                between_them.outcome_at = rejection.outcome_at
                                and between_them.event_id < rejection.event_id
                            )
                        )
                )
        )
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
