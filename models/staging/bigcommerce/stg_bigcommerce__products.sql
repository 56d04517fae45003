with source as (
    select * from {{ source_or_empty('bigcommerce', 'products', [
        'store_key', 'id', 'sku', 'name', 'availability', 'is_visible', 'inventory_tracking', 'inventory_level',
        'date_modified', '_dlt_valid_from', '_dlt_valid_to'
    ]) }}
),

renamed as (
    select
        -- ids
        store_key,
        id as bc_product_id,
        sku as product_sku,

        -- descriptions
        name as product_name,
        availability,
        {{ dbt.safe_cast('is_visible', dbt.type_boolean()) }} as is_visible,

        -- stock
        inventory_tracking,
        {{ dbt.safe_cast('inventory_level', dbt.type_bigint()) }} as product_inventory_level,

        -- timestamps
        {{ offset_text_to_utc('date_modified') }} as modified_at,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
