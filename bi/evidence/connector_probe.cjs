// What Evidence's DuckDB connector reads from the published file, as JSON: `node connector_probe.cjs`
// (run in the project folder). It calls the connector as `npm run sources` does, with this project's
// connection.yaml and the source query, and prints the rows as Evidence receives them.
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('yaml');
const runQuery = require('@evidence-dev/duckdb');

const source = path.resolve('sources', 'listing_pulse');
const options = yaml.parse(fs.readFileSync(path.join(source, 'connection.yaml'), 'utf8')).options;
const query = fs.readFileSync(path.join(source, 'kpi_cards.sql'), 'utf8');
const version = require('@evidence-dev/evidence/package.json').version;
const duckdbVersion = require('@duckdb/node-api').version();

(async () => {
  const result = await runQuery(query, { ...options, directory: source });
  const rows = [];
  for await (const batch of result.rows()) rows.push(...batch);
  const columns = result.columnTypes.map((c) => c.name);
  console.log(JSON.stringify({
    version: `@evidence-dev/evidence ${version}, DuckDB ${duckdbVersion}`,
    columns: result.columnTypes.map((c) => [c.name, c.evidenceType]),
    results: [rows.map((row) => columns.map((c) => (row[c] instanceof Date ? row[c].toISOString() : row[c])))],
  }));
})();
