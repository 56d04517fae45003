-- One row per listing current at as_of (store, product): the version valid then, its lifecycle state,
-- since when it has been in that state, its SKUs' AliExpress stock and its latest rejection.
with versions as (
    select * from {{ ref('int_aliexpress__listing_versions') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

skus as (
    select
        store_key,
        product_id,
        count(*) as sku_count,
        sum(case when sku_stock > 0 then sku_stock else 0 end) as aliexpress_stock
    from {{ ref('stg_aliexpress__listing_skus') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, product_id
),

latest_rejection as (
    select *
    from (
        select
            *,
            row_number() over (partition by store_key, product_id order by rejected_at desc, event_id desc) as recency
        from {{ ref('int_aliexpress__rejection_transitions') }}
        where rejected_at <= {{ as_of() }}
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
    latest_rejection.rejected_at as last_rejected_at,
    latest_rejection.reason_code as last_rejection_reason_code,
    latest_rejection.reason_message as last_rejection_reason,
    latest_rejection.cause as last_rejection_cause,
    latest_rejection.suggested_action as last_rejection_action
from versions
left join skus
    on skus.store_key = versions.store_key and skus.product_id = versions.product_id
left join latest_rejection
    on latest_rejection.store_key = versions.store_key and latest_rejection.product_id = versions.product_id
