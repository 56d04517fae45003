{#- The records both sources quarantined in each store's latest observation at or before as_of (payloads in
    raw_*.quarantine), for the merchant-data warn tests; `reason_like` keeps those whose reason matches it. -#}
{% macro quarantined_in_latest_observations(reason_like=none) %}
    {%- for source_name in ['aliexpress', 'bigcommerce'] %}
select
    '{{ source_name }}' as source_name,
    quarantine.store_key,
    quarantine.observed_at,
    quarantine.resource,
    quarantine.origin,
    quarantine.line,
    quarantine.reason
from {{ ref('stg_' ~ source_name ~ '__quarantine') }} as quarantine
inner join {{ ref('int_store_observations') }} as stores
    on quarantine.store_key = stores.store_key and quarantine.observed_at = stores.{{ source_name }}_observed_at
        {%- if reason_like is not none %}
where quarantine.reason like '{{ reason_like }}'
        {%- endif %}
        {%- if not loop.last %}
union all
        {%- endif %}
    {%- endfor %}
{% endmacro %}
