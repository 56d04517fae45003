{#- A source table, or, when it was never landed (a warehouse that has only ever loaded AliExpress has no
    raw_bigcommerce schema at all), an empty relation with the columns staging reads, so the project still
    builds and the cards that read that source are null with a reason instead of the build failing.
    `source()` is always called, so the model depends on the source and unit tests can stand in for it. -#}
{% macro source_or_empty(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and relation.identifier is not none
            and adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        (
            select
            {%- for column in columns %}
                cast(null as {{ source_column_type(column) }}) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
            where 1 = 0
        ) as never_landed
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- Raw columns are text as received, except dlt's validity bounds and the loader's own lineage columns. -#}
{% macro source_column_type(column) -%}
    {%- if column in ('_dlt_valid_from', '_dlt_valid_to', 'observed_at') -%}
        {{ dbt.type_timestamp() }}
    {%- elif column in ('row_count', 'line') -%}
        {{ dbt.type_bigint() }}
    {%- else -%}
        {{ dbt.type_string() }}
    {%- endif -%}
{%- endmacro %}
