-- One row per store ever observed: its latest observation at or before as_of by each source
-- (null: not yet observed at as_of, so its RT cards are null, not 0).
with aliexpress_observations as (
    select * from {{ ref('stg_aliexpress__observations') }}
),

bigcommerce_observations as (
    select * from {{ ref('stg_bigcommerce__observations') }}
),

observations as (
    select
        store_key,
        'aliexpress' as source_name,
        observed_at
    from aliexpress_observations
    union all
    select
        store_key,
        'bigcommerce' as source_name,
        observed_at
    from bigcommerce_observations
)

select
    store_key,
    max(
        case when source_name = 'aliexpress' and observed_at <= {{ as_of() }} then observed_at end
    ) as aliexpress_observed_at,
    max(
        case when source_name = 'bigcommerce' and observed_at <= {{ as_of() }} then observed_at end
    ) as bigcommerce_observed_at
from observations
group by store_key
