-- One row per listing current at as_of (store, product): the version valid then, its lifecycle state,
-- since when it has been in that state, its SKUs' AliExpress stock and its latest rejection.
with listing_versions as (
    select * from {{ ref('int_aliexpress__listing_versions') }}
),

listing_skus as (
    select * from {{ ref('stg_aliexpress__listing_skus') }}
),

audit_outcomes as (
    select * from {{ ref('int_aliexpress__audit_outcomes') }}
),

rejection_reasons as (
    select * from {{ ref('rejection_reasons') }}
),

versions as (
    select * from listing_versions
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

skus as (
    select
        store_key,
        product_id,
        count(*) as sku_count,
        sum(case when sku_stock > 0 then sku_stock else 0 end) as aliexpress_stock
    from listing_skus
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, product_id
),

-- The latest `refuse` outcome at as_of, a repeated refuse included: its reason is the one to fix now (the
-- 24h card counts transitions instead; a refuse -> refuse is no new transition but may name a new reason).
latest_rejection as (
    select *
    from (
        select
            outcomes.*,
            reasons.cause,
            reasons.suggested_action,
            row_number() over (
                partition by outcomes.store_key, outcomes.product_id
                order by outcomes.outcome_at desc, outcomes.event_id desc
            ) as recency
        from audit_outcomes as outcomes
        left join rejection_reasons as reasons on outcomes.reason_code = reasons.reason_code
        where
            outcomes.outcome_status = 'refuse'
            and outcomes.outcome_at <= {{ as_of() }}
    ) as ranked
    where recency = 1
)

select
    versions.store_key,
    versions.product_id,
    versions.listing_title,
    versions.product_status_type,
    versions.ws_display,
    versions.lifecycle_state,
    versions.state_since,
    versions.state_action,
    versions.created_at,
    versions.offline_at,
    coalesce(skus.sku_count, 0) as sku_count,
    coalesce(skus.aliexpress_stock, 0) as aliexpress_stock,
    (versions.lifecycle_state = 'active' and coalesce(skus.aliexpress_stock, 0) > 0) as is_buyable,
    latest_rejection.outcome_at as last_rejected_at,
    latest_rejection.reason_code as last_rejection_reason_code,
    latest_rejection.reason_message as last_rejection_reason,
    case when latest_rejection.product_id is not null then coalesce(latest_rejection.cause, 'other') end
        as last_rejection_cause,
    latest_rejection.suggested_action as last_rejection_action
from versions
left join skus
    on versions.store_key = skus.store_key and versions.product_id = skus.product_id
left join latest_rejection
    on versions.store_key = latest_rejection.store_key and versions.product_id = latest_rejection.product_id
