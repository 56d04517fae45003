"""The same project on Apache Spark (dbt-spark, session mode, Java 17): the raw tables reach Spark as
parquet written from the DuckDB build file and registered by `register_raw_parquet`, then `dbt build
--target spark` runs every model and test, and `kpi_cards` equals the DuckDB build of the same observations.

Run by `make test-spark` (its own environment, .venv-spark, from requirements-spark.lock).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from ingestion.serving.dbt import invoke_dbt
from ingestion.serving.raw_export import export_raw_parquet
from tests.python.engines.test_postgres import CARD_COLUMNS, build, environment, load_stores, normalised

pytestmark = pytest.mark.spark


def test_spark_builds_every_model_and_test_with_duckdbs_card_values(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    duckdb_file = tmp_path / "duckdb" / "listing_pulse.duckdb"
    with environment(LISTING_PULSE_DB=str(duckdb_file)):
        load_stores(duckdb_file)
        assert build("duckdb", record_property, db_path=duckdb_file) == []
        with duckdb.connect(str(duckdb_file), read_only=True) as con:
            expected = con.execute(f"select {CARD_COLUMNS} from marts.kpi_cards").fetchall()
    tables = export_raw_parquet(duckdb_file, tmp_path / "raw")
    assert "raw_aliexpress.listings" in tables and "raw_bigcommerce.variants" in tables

    with environment(
        LISTING_PULSE_TARGET="spark",
        SPARK_LOCAL_IP="127.0.0.1",
        LISTING_PULSE_SPARK_WAREHOUSE=str(tmp_path / "spark-warehouse"),
    ):
        registered = invoke_dbt(
            [
                "run-operation",
                "register_raw_parquet",
                "--args",
                str({"folder": str(tmp_path / "raw"), "tables": tables}),
            ]
        )
        assert registered.success, registered.exception
        assert build("spark", record_property) == []
        from pyspark.sql import SparkSession

        actual = [
            tuple(row)
            for row in SparkSession.builder.getOrCreate().sql(f"select {CARD_COLUMNS} from marts.kpi_cards").collect()
        ]

    assert len(expected) == len(actual) > 0
    assert normalised(actual) == normalised(expected)
