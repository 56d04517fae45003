with source as (
    select * from {{ source('bigcommerce', 'observations') }}
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
