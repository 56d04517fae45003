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

inventory_items as (
    select * from {{ ref('stg_bigcommerce__inventory_items') }}
),

variants_now as (
    select * from variants
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

products_now as (
    select * from products
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
),

locations_now as (
    select
        store_key,
        bc_variant_id,
        sum(case when is_location_enabled then coalesce(available_to_sell, 0) else 0 end) as located_stock
    from inventory_items
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, bc_variant_id
),

-- The stock that counts, at every moment it may have changed (a change of the variant, its product or its
-- locations): since when a variant is out of stock follows this stock, not the last change of any field.
change_points as (
    select
        store_key,
        bc_variant_id,
        valid_from as changed_at
    from variants
    union
    select
        variant_ids.store_key,
        variant_ids.bc_variant_id,
        products.valid_from as changed_at
    from (select distinct
        store_key,
        bc_variant_id,
        bc_product_id
    from variants) as variant_ids
    inner join products
        on variant_ids.store_key = products.store_key and variant_ids.bc_product_id = products.bc_product_id
    union
    select
        store_key,
        bc_variant_id,
        valid_from as changed_at
    from inventory_items
    union
    select
        store_key,
        bc_variant_id,
        valid_to as changed_at
    from inventory_items
    where valid_to is not null
),

located_at_change as (
    select
        change_points.store_key,
        change_points.bc_variant_id,
        change_points.changed_at,
        sum(
            case when inventory_items.is_location_enabled then coalesce(inventory_items.available_to_sell, 0) else 0 end
        ) as located_stock
    from change_points
    inner join inventory_items
        on change_points.store_key = inventory_items.store_key
        and change_points.bc_variant_id = inventory_items.bc_variant_id
        and {{ valid_at('inventory_items.valid_from', 'inventory_items.valid_to', 'change_points.changed_at') }}
    group by change_points.store_key, change_points.bc_variant_id, change_points.changed_at
),

stock_at_change as (
    select
        change_points.store_key,
        change_points.bc_variant_id,
        change_points.changed_at,
        coalesce(
            products.inventory_tracking <> 'none'
            and case
                when located_at_change.bc_variant_id is not null then located_at_change.located_stock
                when products.inventory_tracking = 'product' then products.product_inventory_level
                else variants.variant_inventory_level
            end <= 0,
            false
        ) as is_out_of_stock
    from change_points
    inner join variants
        on change_points.store_key = variants.store_key
        and change_points.bc_variant_id = variants.bc_variant_id
        and {{ valid_at('variants.valid_from', 'variants.valid_to', 'change_points.changed_at') }}
    left join products
        on products.store_key = variants.store_key
        and products.bc_product_id = variants.bc_product_id
        and {{ valid_at('products.valid_from', 'products.valid_to', 'change_points.changed_at') }}
    left join located_at_change
        on located_at_change.store_key = change_points.store_key
        and located_at_change.bc_variant_id = change_points.bc_variant_id
        and located_at_change.changed_at = change_points.changed_at
    where change_points.changed_at <= {{ as_of() }}
),

-- The first out-of-stock moment after the last in-stock one (null while in stock).
stock_since_last_in_stock as (
    select
        store_key,
        bc_variant_id,
        changed_at,
        is_out_of_stock,
        max(case when not is_out_of_stock then changed_at end)
            over (partition by store_key, bc_variant_id)
            as last_in_stock_at
    from stock_at_change
),

out_of_stock_since as (
    select
        store_key,
        bc_variant_id,
        min(case when is_out_of_stock then changed_at end) as oos_since
    from stock_since_last_in_stock
    where last_in_stock_at is null or changed_at > last_in_stock_at
    group by store_key, bc_variant_id
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
        out_of_stock_since.oos_since,
        false as is_deleted,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at
    from variants_now
    left join products_now
        on variants_now.store_key = products_now.store_key
        and variants_now.bc_product_id = products_now.bc_product_id
    left join locations_now
        on variants_now.store_key = locations_now.store_key
        and variants_now.bc_variant_id = locations_now.bc_variant_id
    left join out_of_stock_since
        on variants_now.store_key = out_of_stock_since.store_key
        and variants_now.bc_variant_id = out_of_stock_since.bc_variant_id
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
                order by variants.valid_to desc, variants.bc_variant_id asc
            ) as recency
        from variants
        where
            variants.valid_to <= {{ as_of() }}
            and not exists (
                select 1 from variants_now
                where
                    variants_now.store_key = variants.store_key
                    and variants_now.bc_variant_id = variants.bc_variant_id
            )
            and not exists (
                select 1 from current_stock
                where
                    current_stock.store_key = variants.store_key
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
        oos_since as oos_since_candidate,
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
