with source as (
    select * from {{ source_or_empty('bigcommerce', 'quarantine', ['store_key', 'resource', 'origin', 'line', 'reason', 'payload', 'observed_at']) }}
),

renamed as (
    select
        store_key,
        resource,
        origin,
        line,
        reason,
        payload,
        {{ to_utc('observed_at') }} as observed_at
    from source
)

select * from renamed
