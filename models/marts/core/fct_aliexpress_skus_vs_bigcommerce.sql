-- One row per AliExpress SKU of a listing current at as_of (store, product, SKU id): how it matches
-- BigCommerce, both stocks, and whether it is an oversell case for aex_xc_listed_but_oos_on_bc.
with listing_skus as (
    select * from {{ ref('stg_aliexpress__listing_skus') }}
),

listings as (
    select * from {{ ref('int_aliexpress__listings_at_as_of') }}
),

sku_map_overrides as (
    select * from {{ ref('sku_map_overrides') }}
),

oos_whitelist as (
    select * from {{ ref('oos_whitelist') }}
),

skus as (
    select * from listing_skus
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

-- Seed rows scoped to one store or to every store (`*`). A SKU may have both, or repeated rows: the
-- store's own row wins over `*`, then the smallest value, so each SKU keeps exactly one.
overrides as (
    select distinct
        store_key,
        {{ normalize_sku('aliexpress_sku_code') }} as aliexpress_sku_key,
        {{ normalize_sku('bigcommerce_sku') }} as bigcommerce_sku_key
    from sku_map_overrides
),

whitelist as (
    select distinct
        store_key,
        {{ normalize_sku('sku_code') }} as sku_key,
        exclusion_reason
    from oos_whitelist
),

bc_variants as (
    select * from {{ ref('int_bigcommerce__variant_stock') }}
),

bc_by_sku as (
    select
        store_key,
        sku_key,
        count(*) as bc_variant_count,
        min(bc_variant_id) as bc_variant_id
    from bc_variants
    group by store_key, sku_key
),

skus_with_override as (
    select
        skus.*,
        overrides.bigcommerce_sku_key,
        row_number() over (
            partition by skus.store_key, skus.product_id, skus.sku_id
            order by case when overrides.store_key = '*' then 1 else 0 end, overrides.bigcommerce_sku_key
        ) as override_rank
    from skus
    left join overrides
        on (skus.store_key = overrides.store_key or overrides.store_key = '*')
        and overrides.aliexpress_sku_key = {{ normalize_sku('skus.sku_code') }}
),

aliexpress_skus as (
    select
        skus.store_key,
        skus.product_id,
        skus.sku_id,
        skus.sku_code,
        coalesce(skus.bigcommerce_sku_key, {{ normalize_sku('skus.sku_code') }}) as sku_key,
        skus.sku_stock as aliexpress_stock,
        listings.lifecycle_state,
        listings.lifecycle_state = 'active' as is_listing_active,
        skus.valid_from as aliexpress_observed_since
    from skus_with_override as skus
    inner join listings
        on skus.store_key = listings.store_key and skus.product_id = listings.product_id
    where skus.override_rank = 1
),

matched as (
    select
        aliexpress_skus.*,
        case
            when aliexpress_skus.sku_key is null then 'no_sku_code'
            when bc_by_sku.bc_variant_count is null then 'no_bc_match'
            when bc_by_sku.bc_variant_count > 1 then 'ambiguous_bc_sku'
            else 'matched'
        end as match_status,
        bc_by_sku.bc_variant_count
    from aliexpress_skus
    left join bc_by_sku
        on aliexpress_skus.store_key = bc_by_sku.store_key
        and aliexpress_skus.sku_key = bc_by_sku.sku_key
),

joined as (
    select
        matched.*,
        bc_variants.bc_variant_id,
        bc_variants.bc_product_id,
        bc_variants.variant_sku as bc_sku,
        bc_variants.inventory_tracking as bc_inventory_tracking,
        bc_variants.stock_source as bc_stock_source,
        bc_variants.bc_stock,
        coalesce(bc_variants.is_bc_oos, false) as is_bc_oos,
        coalesce(bc_variants.is_deleted, false) as is_bc_deleted,
        bc_variants.bc_oos_since,
        whitelist.exclusion_reason,
        row_number() over (
            partition by matched.store_key, matched.product_id, matched.sku_id
            order by case when whitelist.store_key = '*' then 1 else 0 end, whitelist.exclusion_reason
        ) as whitelist_rank
    from matched
    left join bc_variants
        on matched.match_status = 'matched'
        and matched.store_key = bc_variants.store_key
        and matched.sku_key = bc_variants.sku_key
    left join whitelist
        on (matched.store_key = whitelist.store_key or whitelist.store_key = '*')
        and matched.sku_key = whitelist.sku_key
),

classified as (
    select
        joined.*,
        (joined.is_listing_active and coalesce(joined.aliexpress_stock, 0) > 0) as is_buyable_on_aliexpress,
        case
            when
                not (joined.is_listing_active and coalesce(joined.aliexpress_stock, 0) > 0 and joined.is_bc_oos)
                then null
            when joined.exclusion_reason is not null then 'excluded'
            when
                joined.bc_oos_since > {{ dbt.dateadd('minute', -1 * var('oos_grace_minutes'), as_of()) }}
                then 'pending'
            else 'counted'
        end as oversell_status
    from joined
    where joined.whitelist_rank = 1
)

select
    store_key,
    product_id,
    sku_id,
    sku_code,
    sku_key,
    lifecycle_state,
    is_listing_active,
    aliexpress_stock,
    is_buyable_on_aliexpress,
    match_status,
    bc_variant_count,
    bc_variant_id,
    bc_product_id,
    bc_sku,
    bc_inventory_tracking,
    bc_stock_source,
    bc_stock,
    is_bc_oos,
    is_bc_deleted,
    bc_oos_since,
    exclusion_reason,
    oversell_status
from classified
