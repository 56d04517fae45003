{#- Reconciliation tests recompute a card from staging and the seeds, never from the card's own models. What
    two of them recompute alike is here, so that they recompute it one way. -#}

{#- Each listing current at as_of (store_key, product_id) in its lifecycle state by the seed
    aliexpress_lifecycle_states: exact ws_display first, then `*`, else `unknown`. A listing returned by two
    passes of one sweep keeps its first (product_status_type, ws_display). -#}
{% macro recount_listing_states() %}
select
    listings.store_key,
    listings.product_id,
    coalesce(exact_state.lifecycle_state, any_display.lifecycle_state, 'unknown') as lifecycle_state
from (
    select
        first_pass.store_key,
        first_pass.product_id,
        first_pass.product_status_type,
        min(coalesce(passes.ws_display, '')) as ws_display
    from (
        select
            store_key,
            product_id,
            min(product_status_type) as product_status_type
        from {{ ref('stg_aliexpress__listings') }}
        where {{ valid_at('valid_from', 'valid_to', as_of()) }}
        group by store_key, product_id
    ) as first_pass
    inner join {{ ref('stg_aliexpress__listings') }} as passes
        on first_pass.store_key = passes.store_key
        and first_pass.product_id = passes.product_id
        and first_pass.product_status_type = passes.product_status_type
        and {{ valid_at('passes.valid_from', 'passes.valid_to', as_of()) }}
    group by first_pass.store_key, first_pass.product_id, first_pass.product_status_type
) as listings
left join {{ ref('aliexpress_lifecycle_states') }} as exact_state
    on listings.product_status_type = exact_state.product_status_type
    and listings.ws_display = coalesce(exact_state.ws_display, '')
    and coalesce(exact_state.ws_display, '') <> '*'
left join {{ ref('aliexpress_lifecycle_states') }} as any_display
    on listings.product_status_type = any_display.product_status_type
    and any_display.ws_display = '*'
{% endmacro %}

{#- Each BigCommerce variant current at as_of (store_key, bc_variant_id), its SKU as the join matches it
    (bc_key) and whether it is out of stock by the stock that counts: tracking `none` never; multi-location
    stock when loaded (available_to_sell over enabled locations); tracking `product` the product's level;
    else the variant's. -#}
{% macro recount_bc_variants() %}
select
    variants.store_key,
    variants.bc_variant_id,
    {{ normalize_sku('variants.variant_sku') }} as bc_key,
    coalesce(case
        when products.inventory_tracking = 'none' then false
        when located.bc_variant_id is not null then located.available <= 0
        when products.inventory_tracking = 'product' then products.product_inventory_level <= 0
        else variants.variant_inventory_level <= 0
    end, false) as is_out_of_stock
from {{ ref('stg_bigcommerce__variants') }} as variants
left join {{ ref('stg_bigcommerce__products') }} as products
    on variants.store_key = products.store_key
    and variants.bc_product_id = products.bc_product_id
    and {{ valid_at('products.valid_from', 'products.valid_to', as_of()) }}
left join (
    select
        store_key,
        bc_variant_id,
        sum(case when is_location_enabled then coalesce(available_to_sell, 0) else 0 end) as available
    from {{ ref('stg_bigcommerce__inventory_items') }}
    where {{ valid_at('valid_from', 'valid_to', as_of()) }}
    group by store_key, bc_variant_id
) as located
    on variants.store_key = located.store_key and variants.bc_variant_id = located.bc_variant_id
where {{ valid_at('variants.valid_from', 'variants.valid_to', as_of()) }}
{% endmacro %}
