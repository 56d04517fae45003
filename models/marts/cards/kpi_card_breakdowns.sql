-- One row per store, card and bucket: aex_total_listings and aex_rejected_auditing_listings by
-- lifecycle state, aex_rejected_listings_24h by rejection cause, with each bucket's share of the card
-- and whether it is the top bucket.
with rejection_windows as (
    select * from {{ ref('int_aliexpress__rejection_windows') }}
),

transitions as (
    select * from {{ ref('int_aliexpress__rejection_transitions') }}
),

aex_total_listings as (
    select * from {{ ref('aex_total_listings') }}
),

aex_rejected_auditing_listings as (
    select * from {{ ref('aex_rejected_auditing_listings') }}
),

card_window as (
    select * from rejection_windows
    where windows_before = 0
),

buckets as (
    select
        store_key,
        'aex_total_listings' as card_key,
        'lifecycle_state' as dimension,
        lifecycle_state as bucket,
        count(*) as value
    from aex_total_listings
    group by store_key, lifecycle_state

    union all

    select
        store_key,
        'aex_rejected_auditing_listings' as card_key,
        'lifecycle_state' as dimension,
        lifecycle_state as bucket,
        count(*) as value
    from aex_rejected_auditing_listings
    group by store_key, lifecycle_state

    union all

    select
        transitions.store_key,
        'aex_rejected_listings_24h' as card_key,
        'cause' as dimension,
        transitions.cause as bucket,
        count(*) as value
    from transitions
    inner join card_window
        on transitions.store_key = card_window.store_key
        and {{ in_window('transitions.rejected_at', 'card_window.window_start', 'card_window.window_end') }}
    group by transitions.store_key, transitions.cause
),

shared as (
    select
        *,
        sum(value) over (partition by store_key, card_key) as card_value,
        row_number() over (partition by store_key, card_key order by value desc, bucket asc) as bucket_rank
    from buckets
)

select
    store_key,
    card_key,
    dimension,
    bucket,
    cast(value as {{ dbt.type_bigint() }}) as value,
    value * 1.0 / card_value as share,
    bucket_rank = 1 as is_top_bucket
from shared
