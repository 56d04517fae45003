"""What a SQLAlchemy + duckdb-engine client (Superset, pandas, Jupyter) sees in the published file, as JSON:
`python sqlalchemy_client.py FILE QUERIES`. Columns come from SQLAlchemy's reflection, as BI tools list them."""

import json
import sys
from importlib.metadata import version

import duckdb
import sqlalchemy
from common import WRITE, cell, queries


def main(path: str, queries_file: str) -> None:
    engine = sqlalchemy.create_engine(f"duckdb:///{path}?access_mode=read_only")
    try:
        inspector = sqlalchemy.inspect(engine)
        columns = {
            table: [[c["name"], _type_name(c["type"])] for c in inspector.get_columns(table, schema="marts")]
            for table in inspector.get_table_names(schema="marts")
        }
        with engine.connect() as con:
            results = [
                [[cell(v) for v in row] for row in con.execute(sqlalchemy.text(query)).all()]
                for query in queries(queries_file)
            ]
            try:
                con.execute(sqlalchemy.text(WRITE))
                write_refused = False
            except sqlalchemy.exc.DBAPIError:
                write_refused = True
    finally:
        engine.dispose()
    print(
        json.dumps(
            {
                "version": f"SQLAlchemy {sqlalchemy.__version__}, duckdb-engine {version('duckdb_engine')}, "
                f"duckdb {duckdb.__version__}",
                "columns": columns,
                "results": results,
                "write_refused": write_refused,
            }
        )
    )


def _type_name(column_type: sqlalchemy.types.TypeEngine) -> str:
    """The reflected type as SQL; a zone-aware timestamp says so (str() alone prints TIMESTAMP for both)."""
    name = str(column_type)
    return f"{name} WITH TIME ZONE" if getattr(column_type, "timezone", False) else name


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
