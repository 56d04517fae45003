with source as (
    select * from {{ source_or_empty('bigcommerce', 'observations', ['store_key', 'resource', 'observed_at', 'row_count']) }}
),

renamed as (
    select
        store_key,
        resource,
        {{ to_utc('observed_at') }} as observed_at,
        row_count
    from source
)

select * from renamed
