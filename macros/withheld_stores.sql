{#- A `where` clause leaving out the stores of the `withheld_stores` var (nothing when it is empty): every
    staging model selects from its source with it, so a rebuild without those stores never sees their rows. -#}
{% macro without_withheld_stores() -%}
    {%- set stores = var('withheld_stores') -%}
    {%- if stores -%}
        where store_key not in (
            {%- for store in stores %}'{{ store | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
        )
    {%- endif -%}
{%- endmacro %}
