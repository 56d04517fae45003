-- One row per audit outcome of a listing: every outcome received (duplicates already collapsed on
-- event_id) plus outcomes derived from the catalogue where none was received (`is_derived`):
--   * a move out of rejected with no non-refuse outcome since the last refuse -> `auditing`
--     (so a fixed-and-re-rejected listing counts twice, as the card page documents);
--   * in a store that has no audit feed at all, a move into rejected -> `refuse`.
with audit_events as (
    select * from {{ ref('stg_aliexpress__audit_events') }}
),

versions as (
    select * from {{ ref('int_aliexpress__listing_versions') }}
),

received as (
    select
        store_key,
        product_id,
        event_id,
        outcome_status,
        outcome_at,
        reason_code,
        reason_message,
        false as is_derived
    from audit_events
    where outcome_at is not null
),

stores_with_feed as (
    select distinct store_key from received
),

moves_out_of_rejected as (
    select
        store_key,
        product_id,
        valid_from as moved_at,
        state_since
    from versions
    where previous_state = 'rejected' and lifecycle_state <> 'rejected'
),

-- The rejected run that ended at the move started at the latest refuse before it, if one was received.
last_refuse_before_move as (
    select
        moves.store_key,
        moves.product_id,
        moves.moved_at,
        max(received.outcome_at) as last_refuse_at
    from moves_out_of_rejected as moves
    left join received
        on moves.store_key = received.store_key
        and moves.product_id = received.product_id
        and received.outcome_status = 'refuse'
        and moves.moved_at >= received.outcome_at
    group by moves.store_key, moves.product_id, moves.moved_at
),

derived_resubmissions as (
    select
        moves.store_key,
        moves.product_id,
        {{ dbt.concat([
            "'derived-auditing:'", "moves.product_id", "':'", dbt.cast("moves.moved_at", dbt.type_string())
        ]) }} as event_id,
        'auditing' as outcome_status,
        moves.moved_at as outcome_at,
        cast(null as {{ dbt.type_string() }}) as reason_code,
        'Left the rejected state in the catalogue; no audit outcome received' as reason_message,
        true as is_derived
    from last_refuse_before_move as moves
    where not exists (
        select 1
        from received
        where
            received.store_key = moves.store_key
            and received.product_id = moves.product_id
            and received.outcome_status <> 'refuse'
            and received.outcome_at <= moves.moved_at
            and (moves.last_refuse_at is null or received.outcome_at > moves.last_refuse_at)
    )
),

derived_rejections as (
    select
        versions.store_key,
        versions.product_id,
        {{ dbt.concat([
            "'derived-refuse:'", "versions.product_id", "':'", dbt.cast("versions.valid_from", dbt.type_string())
        ]) }} as event_id,
        'refuse' as outcome_status,
        versions.valid_from as outcome_at,
        cast(null as {{ dbt.type_string() }}) as reason_code,
        'Entered the rejected state in the catalogue; the store has no audit feed' as reason_message,
        true as is_derived
    from versions
    left join stores_with_feed on versions.store_key = stores_with_feed.store_key
    where
        stores_with_feed.store_key is null
        and versions.lifecycle_state = 'rejected'
        and versions.previous_state is not null
        and versions.previous_state <> 'rejected'
)

select * from received
union all
select * from derived_resubmissions
union all
select * from derived_rejections
