"""What a DuckDB Python client sees in the published file, as JSON: `python duckdb_python.py FILE QUERIES`."""

import json
import sys

import duckdb
from common import TABLE_COLUMNS, WRITE, cell, queries


def main(path: str, queries_file: str) -> None:
    with duckdb.connect(path, read_only=True) as con:
        columns: dict[str, list[list[str]]] = {}
        for table, column, data_type in con.execute(TABLE_COLUMNS).fetchall():
            columns.setdefault(table, []).append([column, data_type])
        results, types = [], []
        for query in queries(queries_file):
            relation = con.execute(query)
            types.append([str(column[1]) for column in relation.description])
            results.append([[cell(v) for v in row] for row in relation.fetchall()])
        try:
            con.execute(WRITE)
            write_refused = False
        except duckdb.Error:
            write_refused = True
    print(
        json.dumps(
            {
                "version": f"duckdb {duckdb.__version__}",
                "columns": columns,
                "results": results,
                "types": types,
                "write_refused": write_refused,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
