{#- The staging models both sources share, one macro each: `relation` is the source table, e.g.
    source('aliexpress', 'observations'). -#}

{#- One row per store, resource and sweep (store_key, resource, observed_at). -#}
{% macro staging_observations(relation) %}
{{ staging_as_landed(relation, ['store_key', 'resource', 'observed_at', 'row_count']) }}
{% endmacro %}

{#- One row per record that could not be parsed or lacked its key (store_key, observed_at, origin, line). -#}
{% macro staging_quarantine(relation) %}
{{ staging_as_landed(relation, ['store_key', 'resource', 'origin', 'line', 'reason', 'payload', 'observed_at']) }}
{% endmacro %}

{#- The shape both share: `columns` as landed, except observed_at (time-zone aware), as UTC. -#}
{% macro staging_as_landed(relation, columns) %}
with source as (
    select * from {{ relation }}
),

renamed as (
    select
        {%- for column in columns %}
        {{ to_utc(column) ~ ' as ' ~ column if column == 'observed_at' else column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source
    {{ without_withheld_stores() }}
)

select * from renamed
{% endmacro %}
