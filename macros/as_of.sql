{#- The moment every card describes, resolved once per invocation: the `as_of` var (an ISO time;
    an offset is converted to UTC, a zone-less time is UTC) or else the run's start. Kept to the
    microsecond: truncating to the second would hide an observation made in the same second before it. -#}
{% macro as_of_string() -%}
    {%- set raw = var('as_of') -%}
    {%- if raw is none or raw == '' -%}
        {{- return(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) -}}
    {%- endif -%}
    {%- set text = raw | string -%}
    {%- set parsed = modules.datetime.datetime.fromisoformat(text.replace('Z', '+00:00')) -%}
    {%- if parsed.tzinfo is not none -%}
        {%- set parsed = parsed.astimezone(modules.pytz.utc).replace(tzinfo=none) -%}
    {%- endif -%}
    {{- return(parsed.strftime('%Y-%m-%d %H:%M:%S.%f')) -}}
{%- endmacro %}

{% macro as_of() -%}
    cast('{{ as_of_string() }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
