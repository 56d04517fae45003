with source as (
    select * from {{ source('aliexpress', 'listing_attributes') }}
),

renamed as (
    select
        -- ids
        store_key,
        product_id,
        attr_name_id as attribute_id,
        attr_value_id as attribute_value_id,

        -- descriptions
        attr_name as attribute_name,
        attr_value as attribute_value,

        -- validity on observation time
        {{ to_utc('_dlt_valid_from') }} as valid_from,
        {{ to_utc('_dlt_valid_to') }} as valid_to

    from source
    {{ without_withheld_stores() }}
)

select * from renamed
