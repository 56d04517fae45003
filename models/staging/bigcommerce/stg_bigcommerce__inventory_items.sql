with source as (
    select * from {{ source_or_empty('bigcommerce', 'inventory_items', [
        'store_key', 'variant_id', 'location_id', 'sku', 'location_enabled', 'available_to_sell',
        'total_inventory_onhand', 'safety_stock', '_dlt_valid_from', '_dlt_valid_to'
    ]) }}
),

renamed as (
    select
        -- ids
        store_key,
        variant_id as bc_variant_id,
        location_id,
        sku as variant_sku,

        -- stock
        {{ dbt.safe_cast('location_enabled', dbt.type_boolean()) }} as is_location_enabled,
        {{ dbt.safe_cast('available_to_sell', dbt.type_bigint()) }} as available_to_sell,
        {{ dbt.safe_cast('total_inventory_onhand', dbt.type_bigint()) }} as on_hand,
        {{ dbt.safe_cast('safety_stock', dbt.type_bigint()) }} as safety_stock,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
