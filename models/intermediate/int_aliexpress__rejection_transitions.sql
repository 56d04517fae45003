-- One row per rejection transition: a `refuse` whose predecessor in the listing's full outcome history,
-- ordered by (outcome_at, event_id), is absent or not `refuse`. Independent of as_of.
with audit_outcomes as (
    select * from {{ ref('int_aliexpress__audit_outcomes') }}
),

outcomes as (
    select
        *,
        lag(outcome_status) over (
            partition by store_key, product_id order by outcome_at, event_id
        ) as previous_status
    from audit_outcomes
),

reasons as (
    select * from {{ ref('rejection_reasons') }}
)

select
    outcomes.store_key,
    outcomes.product_id,
    outcomes.event_id,
    outcomes.outcome_at as rejected_at,
    outcomes.reason_code,
    outcomes.reason_message,
    coalesce(reasons.cause, 'other') as cause,
    reasons.suggested_action,
    outcomes.is_derived,
    outcomes.previous_status
from outcomes
left join reasons on outcomes.reason_code = reasons.reason_code
where
    outcomes.outcome_status = 'refuse'
    and (outcomes.previous_status is null or outcomes.previous_status <> 'refuse')
