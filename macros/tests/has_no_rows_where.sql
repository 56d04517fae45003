{#- Merchant-data check: rows matching `condition` exist (e.g. an unmapped status). Used at warn severity,
    so the warehouse still publishes and the rows are named in the test output. -#}
{% test has_no_rows_where(model, condition, column_name=none) %}
select *
from {{ model }}
where {{ condition }}
{% endtest %}
