{#- Spark here has no Delta or Iceberg jars and no dlt destination: the raw tables reach it as parquet files
    written from the raw schemas (`<folder>/<schema>/<table>.parquet`), which this operation registers as
    external tables, replacing earlier registrations. `tables` lists `schema.table` names:
    dbt run-operation register_raw_parquet --target spark
        --args '{folder: /abs/path, tables: [raw_aliexpress.listings, ...]}' -#}
{% macro register_raw_parquet(folder, tables) %}
    {% for name in tables | sort %}
        {% set schema, table = name.split('.') %}
        {% do run_query('create database if not exists ' ~ schema) %}
        {% do run_query('drop table if exists ' ~ name) %}
        {% do run_query("create table " ~ name ~ " using parquet location '" ~ folder ~ "/" ~ schema ~ "/" ~ table ~ ".parquet'") %}
        {{ log('registered ' ~ name, info=true) }}
    {% endfor %}
{% endmacro %}
