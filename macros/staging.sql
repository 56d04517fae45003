{#- The staging models both sources share, one macro each: `relation` is the source table, e.g.
    source('aliexpress', 'observations'). -#}

{#- One row per store, resource and sweep (store_key, resource, observed_at). -#}
{% macro staging_observations(relation) %}
with source as (
    select * from {{ relation }}
),

renamed as (
    select
        store_key,
        resource,
        {{ to_utc('observed_at') }} as observed_at,
        row_count
    from source
    {{ without_withheld_stores() }}
)

select * from renamed
{% endmacro %}

{#- One row per record that could not be parsed or lacked its key (store_key, observed_at, origin, line). -#}
{% macro staging_quarantine(relation) %}
with source as (
    select * from {{ relation }}
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
    {{ without_withheld_stores() }}
)

select * from renamed
{% endmacro %}
