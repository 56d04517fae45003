{{ config(severity='warn', tags=['merchant_data']) }}
-- Stores whose latest sweep of a source is older than `stale_after_hours` at as_of (dbt source freshness
-- checks the newest sweep of any store; this checks each store).
select
    store_key,
    aliexpress_observed_at,
    bigcommerce_observed_at
from {{ ref('int_store_observations') }}
where
    aliexpress_observed_at is null
    or bigcommerce_observed_at is null
    or aliexpress_observed_at < {{ dbt.dateadd('hour', -1 * var('stale_after_hours'), as_of()) }}
    or bigcommerce_observed_at < {{ dbt.dateadd('hour', -1 * var('stale_after_hours'), as_of()) }}
