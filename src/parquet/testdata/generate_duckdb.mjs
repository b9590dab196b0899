// Regenerates duckdb_types.parquet, the DuckDB-written file that metadata_test.cc reads with
// ParseFooter. Run from the repository root after `(cd test/sql && npm install)`:
//   node src/parquet/testdata/generate_duckdb.mjs
// The expected values in metadata_test.cc (schema, row counts, statistics) follow from the query
// below; a newer DuckDB may change created_by and the byte sizes, which the test does not pin.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '../../../test/sql/package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const out = path.join(HERE, 'duckdb_types.parquet');
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
// DuckDB cuts row groups at its 2048-row chunks: 2100 rows with ROW_GROUP_SIZE 1000 make two row
// groups, of 2048 and 52 rows.
await connection.run(`
  COPY (
    SELECT
      i::INTEGER AS id,
      (i * 1000000000)::BIGINT AS big,
      CASE WHEN i % 10 = 0 THEN NULL ELSE 'host_' || (i % 7) END AS host,
      i / 4.0 AS value,
      TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS ts,
      DATE '2024-01-01' + (i % 30)::INTEGER AS day,
      (i / 100)::DECIMAL(10, 2) AS price,
      i % 2 = 0 AS even,
      [i, i + 1] AS pair
    FROM range(2100) t(i)
  ) TO '${out}' (FORMAT parquet, ROW_GROUP_SIZE 1000, COMPRESSION zstd,
       KV_METADATA {origin: 'strata test', rows: '2100'})`);
console.log(`wrote ${out}`);
