{{ config(tags=['reconciliation']) }}
-- Every AliExpress SKU of a listing current at as_of appears in fct_aliexpress_skus_vs_bigcommerce exactly
-- once, and nothing else does: compared key by key with staging.
with expected as (
    select distinct
        skus.store_key,
        skus.product_id,
        skus.sku_id
    from {{ ref('stg_aliexpress__listing_skus') }} as skus
    where
        {{ valid_at('skus.valid_from', 'skus.valid_to', as_of()) }}
        and exists (
            select 1 from {{ ref('stg_aliexpress__listings') }} as listings
            where
                listings.store_key = skus.store_key
                and listings.product_id = skus.product_id
                and {{ valid_at('listings.valid_from', 'listings.valid_to', as_of()) }}
        )
),

joined as (
    select
        store_key,
        product_id,
        sku_id,
        count(*) as appearances
    from {{ ref('fct_aliexpress_skus_vs_bigcommerce') }}
    group by store_key, product_id, sku_id
)

select
    coalesce(expected.store_key, joined.store_key) as store_key,
    coalesce(expected.product_id, joined.product_id) as product_id,
    coalesce(expected.sku_id, joined.sku_id) as sku_id,
    coalesce(joined.appearances, 0) as appearances
from expected
full outer join joined
    on expected.store_key = joined.store_key
    and expected.product_id = joined.product_id
    and expected.sku_id = joined.sku_id
where expected.sku_id is null or joined.appearances is null or joined.appearances <> 1
