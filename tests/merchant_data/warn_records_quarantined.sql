{{ config(severity='warn', tags=['merchant_data']) }}
-- Records quarantined in each store's latest observation at or before as_of (see raw_*.quarantine for the
-- payloads): they could not be parsed or lacked their key.
with quarantined as (
    select
        'aliexpress' as source_name,
        store_key,
        observed_at,
        resource,
        origin,
        line,
        reason
    from {{ ref('stg_aliexpress__quarantine') }}
    union all
    select
        'bigcommerce' as source_name,
        store_key,
        observed_at,
        resource,
        origin,
        line,
        reason
    from {{ ref('stg_bigcommerce__quarantine') }}
)

select quarantined.*
from quarantined
inner join {{ ref('int_store_observations') }} as stores on quarantined.store_key = stores.store_key
where quarantined.observed_at = case quarantined.source_name
    when 'aliexpress' then stores.aliexpress_observed_at
    else stores.bigcommerce_observed_at
end
