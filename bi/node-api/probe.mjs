// What a @duckdb/node-api client sees in the published file, as JSON: `node probe.mjs FILE QUERIES`.
import { readFileSync } from 'node:fs';
import { DuckDBInstance, version } from '@duckdb/node-api';

const TABLE_COLUMNS = "select table_name, column_name, data_type from duckdb_columns() where schema_name = 'marts' " +
  'order by table_name, column_index';
const WRITE = 'create table marts.probe_write (x integer)';

const [path, queriesFile] = process.argv.slice(2);
const queries = readFileSync(queriesFile, 'utf8').split('\n').filter((line) => line.trim()).map((line) => line.replace(/;$/, ''));
const db = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const con = await db.connect();
const columns = {};
for (const [table, column, dataType] of (await con.runAndReadAll(TABLE_COLUMNS)).getRowsJson()) {
  (columns[table] ??= []).push([column, dataType]);
}
const results = [];
for (const query of queries) {
  results.push((await con.runAndReadAll(query)).getRowsJson());
}
let writeRefused = false;
try {
  await con.run(WRITE);
} catch {
  writeRefused = true;
}
con.closeSync();
db.closeSync();
console.log(JSON.stringify({ version: `@duckdb/node-api ${version()}`, columns, results, write_refused: writeRefused }));
