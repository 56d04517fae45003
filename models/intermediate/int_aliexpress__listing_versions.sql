-- One row per listing version (store, product, valid_from) with its lifecycle state and the start of
-- the uninterrupted run of that state it belongs to. Independent of as_of: the whole history.
with listings as (
    select * from {{ ref('stg_aliexpress__listings') }}
),

lifecycle_states as (
    select * from {{ ref('aliexpress_lifecycle_states') }}
),

-- A listing returned by two passes of one sweep (it moved mid-sweep) keeps one row, deterministically.
one_per_sweep as (
    select
        *,
        row_number() over (
            partition by store_key, product_id, valid_from
            order by product_status_type, ws_display
        ) as pass_rank
    from listings
),

classified as (
    select
        listings.store_key,
        listings.product_id,
        listings.product_status_type,
        listings.ws_display,
        coalesce(exact_match.lifecycle_state, any_display.lifecycle_state, 'unknown') as lifecycle_state,
        coalesce(exact_match.default_action, any_display.default_action) as state_action,
        listings.listing_title,
        listings.created_at,
        listings.modified_at,
        listings.offline_at,
        listings.valid_from,
        listings.valid_to
    from one_per_sweep as listings
    left join lifecycle_states as exact_match
        on listings.product_status_type = exact_match.product_status_type
        and coalesce(exact_match.ws_display, '') = coalesce(listings.ws_display, '')
        and coalesce(exact_match.ws_display, '') <> '*'
    left join lifecycle_states as any_display
        on listings.product_status_type = any_display.product_status_type
        and any_display.ws_display = '*'
    where listings.pass_rank = 1
),

with_previous as (
    select
        *,
        lag(lifecycle_state) over listing_history as previous_state,
        lag(valid_to) over listing_history as previous_valid_to
    from classified
    window listing_history as (partition by store_key, product_id order by valid_from)
),

runs as (
    select
        *,
        sum(
            case when lifecycle_state = previous_state and previous_valid_to = valid_from then 0 else 1 end
        ) over (
            partition by store_key, product_id order by valid_from
            rows between unbounded preceding and current row
        ) as state_run
    from with_previous
)

select
    store_key,
    product_id,
    product_status_type,
    ws_display,
    lifecycle_state,
    previous_state,
    state_action,
    listing_title,
    created_at,
    modified_at,
    offline_at,
    valid_from,
    valid_to,
    min(valid_from) over (partition by store_key, product_id, state_run) as state_since
from runs
