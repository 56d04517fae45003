{#- Models land in the schema their folder names (staging, intermediate, marts, seeds), not
    <target schema>_<name>: BI users and analysts read `marts.kpi_cards`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{- custom_schema_name if custom_schema_name is not none else target.schema -}}
{%- endmacro %}
