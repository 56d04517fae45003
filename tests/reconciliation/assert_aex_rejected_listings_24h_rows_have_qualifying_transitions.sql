{{ config(tags=['reconciliation']) }}
-- Every listing of the 24h worklist, and only those, has as many qualifying transitions in
-- (as_of - window_hours, as_of] as it says: a refuse whose latest earlier outcome (by time, then event_id) is
-- absent or not a refuse. Recomputed with a correlated look-back, not the window function the model uses, and
-- with the window from the registry, not from int_aliexpress__rejection_windows.
with outcomes as (
    select * from {{ ref('int_aliexpress__audit_outcomes') }}
),

registry as (
    select * from {{ ref('kpi_card_registry') }}
),

card_window as (
    select window_hours from registry
    where card_key = 'aex_rejected_listings_24h'
),

refusals_in_window as (
    select refusal.*
    from outcomes as refusal
    cross join card_window
    where
        refusal.outcome_status = 'refuse'
        and refusal.outcome_at > {{ dbt.dateadd('hour', '-1 * card_window.window_hours', as_of()) }}
        and refusal.outcome_at <= {{ as_of() }}
        and coalesce((
            select earlier.outcome_status
            from outcomes as earlier
            where
                earlier.store_key = refusal.store_key
                and earlier.product_id = refusal.product_id
                and (
                    earlier.outcome_at < refusal.outcome_at
                    or (earlier.outcome_at = refusal.outcome_at and earlier.event_id < refusal.event_id)
                )
            order by earlier.outcome_at desc, earlier.event_id desc
            limit 1
        ), 'none') <> 'refuse'
),

recomputed as (
    select
        store_key,
        product_id,
        count(*) as transitions
    from refusals_in_window
    group by store_key, product_id
),

worklist as (
    select
        store_key,
        product_id,
        transition_count
    from {{ ref('aex_rejected_listings_24h') }}
)

select
    coalesce(worklist.store_key, recomputed.store_key) as store_key,
    coalesce(worklist.product_id, recomputed.product_id) as product_id,
    worklist.transition_count,
    recomputed.transitions
from worklist
full outer join recomputed
    on worklist.store_key = recomputed.store_key and worklist.product_id = recomputed.product_id
where
    worklist.transition_count is null
    or recomputed.transitions is null
    or worklist.transition_count <> recomputed.transitions
