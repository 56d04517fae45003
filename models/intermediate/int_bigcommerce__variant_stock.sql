-- One row per BigCommerce variant that can back an AliExpress SKU at as_of: every variant current then,
-- plus, for a SKU no current variant carries, its most recently deleted variant (nothing to fulfil).
-- The stock that counts: tracking `none` -> never out of stock; multi-location rows loaded -> sum of
-- available_to_sell over enabled locations; tracking `product` -> the product's level; else the variant's.
with variants as (
    select * from {{ ref('stg_bigcommerce__variants') }}
),

products as (
    select * from {{ ref('stg_bigcommerce__products') }}
),

variants_now as (
    select * from variants where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

products_now as (
    select * from products where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

locations_now as (
    select
        store_key,
        bc_variant_id,
        sum(case when is_location_enabled then coalesce(available_to_sell, 0) else 0 end) as located_stock,
        max(valid_from) as located_since
    from {{ ref('stg_bigcommerce__inventory_items') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, bc_variant_id
),

-- Since when each variant and product has been out of stock.
variant_oos_since as (
    {{ out_of_stock_since('variants', 'bc_variant_id', 'variant_inventory_level') }}
),

product_oos_since as (
    {{ out_of_stock_since('products', 'bc_product_id', 'product_inventory_level') }}
),

current_stock as (
    select
        variants_now.store_key,
        variants_now.bc_variant_id,
        variants_now.bc_product_id,
        variants_now.variant_sku,
        {{ normalize_sku('variants_now.variant_sku') }} as sku_key,
        products_now.inventory_tracking,
        case
            when products_now.inventory_tracking = 'none' then 'untracked'
            when locations_now.bc_variant_id is not null then 'locations'
            when products_now.inventory_tracking = 'product' then 'product'
            else 'variant'
        end as stock_source,
        variants_now.variant_inventory_level,
        products_now.product_inventory_level,
        locations_now.located_stock,
        variant_oos_since.oos_since as variant_oos_since,
        product_oos_since.oos_since as product_oos_since,
        locations_now.located_since,
        false as is_deleted,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at
    from variants_now
    left join products_now
        on products_now.store_key = variants_now.store_key
        and products_now.bc_product_id = variants_now.bc_product_id
    left join locations_now
        on locations_now.store_key = variants_now.store_key
        and locations_now.bc_variant_id = variants_now.bc_variant_id
    left join variant_oos_since
        on variant_oos_since.store_key = variants_now.store_key
        and variant_oos_since.bc_variant_id = variants_now.bc_variant_id
    left join product_oos_since
        on product_oos_since.store_key = variants_now.store_key
        and product_oos_since.bc_product_id = variants_now.bc_product_id
),

deleted as (
    select *
    from (
        select
            variants.store_key,
            variants.bc_variant_id,
            variants.bc_product_id,
            variants.variant_sku,
            {{ normalize_sku('variants.variant_sku') }} as sku_key,
            variants.valid_to as deleted_at,
            row_number() over (
                partition by variants.store_key, {{ normalize_sku('variants.variant_sku') }}
                order by variants.valid_to desc, variants.bc_variant_id
            ) as recency
        from variants
        where variants.valid_to <= {{ as_of() }}
            and not exists (
                select 1 from variants_now
                where variants_now.store_key = variants.store_key
                    and variants_now.bc_variant_id = variants.bc_variant_id
            )
            and not exists (
                select 1 from current_stock
                where current_stock.store_key = variants.store_key
                    and current_stock.sku_key = {{ normalize_sku('variants.variant_sku') }}
            )
    ) as ranked
    where recency = 1
),

stock as (
    select
        store_key,
        bc_variant_id,
        bc_product_id,
        variant_sku,
        sku_key,
        inventory_tracking,
        stock_source,
        case stock_source
            when 'locations' then located_stock
            when 'product' then product_inventory_level
            when 'variant' then variant_inventory_level
        end as bc_stock,
        case stock_source
            when 'locations' then located_since
            when 'product' then product_oos_since
            when 'variant' then variant_oos_since
        end as oos_since_candidate,
        is_deleted,
        deleted_at
    from current_stock

    union all

    select
        store_key,
        bc_variant_id,
        bc_product_id,
        variant_sku,
        sku_key,
        cast(null as {{ dbt.type_string() }}) as inventory_tracking,
        'deleted' as stock_source,
        0 as bc_stock,
        deleted_at as oos_since_candidate,
        true as is_deleted,
        deleted_at
    from deleted
)

select
    store_key,
    bc_variant_id,
    bc_product_id,
    variant_sku,
    sku_key,
    inventory_tracking,
    stock_source,
    bc_stock,
    coalesce(stock_source <> 'untracked' and bc_stock <= 0, false) as is_bc_oos,
    case when stock_source <> 'untracked' and bc_stock <= 0 then oos_since_candidate end as bc_oos_since,
    is_deleted,
    deleted_at
from stock
