{#- The model's grain: no two rows share these columns (dbt_utils' unique_combination_of_columns, which
    we cannot install offline). -#}
{% test unique_combination(model, combination) %}
select {{ combination | join(', ') }}, count(*) as rows_with_key
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
