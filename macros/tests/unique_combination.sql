{#- The model's grain: no two rows share these columns, and none of them is null (dbt_utils'
    unique_combination_of_columns, which we cannot install offline, plus not_null on each key column).
    A key part that may legitimately be null goes in as an expression, e.g. `coalesce(a, b, '')`. -#}
{% test unique_combination(model, combination) %}
select {{ combination | join(', ') }}, count(*) as rows_with_key
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
    {%- for column in combination %}
    or {{ column }} is null
    {%- endfor %}
{% endtest %}
