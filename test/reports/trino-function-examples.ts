// Every function report SQL calls, with examples from the Trino documentation (https://trino.io/docs/current/
// functions/...): the input as documented and the result Trino documents, written as an SQL literal. The test
// evaluates each on DuckDB with the compatibility macros (lib/query/trino-compat.duckdb.sql) and requires the
// same value (and, where given, the DuckDB type that stores like Trino's). Where the page states the rule
// without an example, the example applies the quoted rule to the smallest input that shows it.

export interface TrinoExample {
  /** SELECT ... AS r: one row, the value in column r. */
  sql: string;
  /** The documented result as an SQL literal ('NULL' for null). */
  expected: string;
  /** DuckDB's typeof(r), when the type matters for what is stored. */
  type?: string;
}

export interface CheckedFunction {
  /** The page and the sentence (or example) of the Trino documentation the examples follow. */
  doc: string;
  examples: TrinoExample[];
}

const DT = 'https://trino.io/docs/current/functions/datetime.html';
const MATH = 'https://trino.io/docs/current/functions/math.html';
const AGG = 'https://trino.io/docs/current/functions/aggregate.html';
const WIN = 'https://trino.io/docs/current/functions/window.html';
const JSON_DOC = 'https://trino.io/docs/current/functions/json.html';
const ARRAY_DOC = 'https://trino.io/docs/current/functions/array.html';
const COND = 'https://trino.io/docs/current/functions/conditional.html';
const CMP = 'https://trino.io/docs/current/functions/comparison.html';
const STR = 'https://trino.io/docs/current/functions/string.html';

const overSix = (window: string) => `SELECT array_agg(v ORDER BY i) AS r FROM (SELECT i, ${window} AS v FROM (VALUES (1), (2), (3), (4), (5), (6)) AS t(i)) AS w`;

export const checkedFunctions: Record<string, CheckedFunction> = {
  abs: {
    doc: `${MATH}: abs(x) → [same as input]: Returns the absolute value of x.`,
    examples: [{ sql: 'SELECT abs(CAST(-7 AS BIGINT)) AS r', expected: 'CAST(7 AS BIGINT)', type: 'BIGINT' }],
  },
  sign: {
    doc: `${MATH}: sign(x): 0 if the argument is 0, 1 if the argument is greater than 0, -1 if the argument is less than 0.`,
    examples: [
      { sql: 'SELECT sign(CAST(-250 AS BIGINT)) AS r', expected: '-1' },
      { sql: 'SELECT sign(CAST(0 AS BIGINT)) AS r', expected: '0' },
      { sql: 'SELECT sign(CAST(9 AS BIGINT)) AS r', expected: '1' },
    ],
  },
  round: {
    doc: `${MATH}: round(x) → [same as input]: Returns x rounded to the nearest integer; round(x, d): x rounded to d decimal places (half away from zero, Trino's MathFunctions.round; random doubles are checked against it in the test).`,
    examples: [
      { sql: 'SELECT round(2.5e0) AS r', expected: '3e0', type: 'DOUBLE' },
      { sql: 'SELECT round(-2.5e0) AS r', expected: '-3e0' },
      { sql: 'SELECT round(0.125e0, 2) AS r', expected: '0.13e0' },
      { sql: 'SELECT round(CAST(0.125 AS DECIMAL(18,3)), 2) AS r', expected: 'CAST(0.13 AS DECIMAL(18,3))' },
      { sql: 'SELECT round(CAST(-0.125 AS DECIMAL(18,3)), 2) AS r', expected: 'CAST(-0.13 AS DECIMAL(18,3))' },
    ],
  },
  floor: {
    doc: `${MATH}: floor(x) → [same as input]: Returns x rounded down to the nearest integer.`,
    examples: [
      { sql: 'SELECT floor(-2.5e0) AS r', expected: '-3e0' },
      { sql: 'SELECT floor(CAST(7 AS DOUBLE) / 2) AS r', expected: '3e0' },
    ],
  },
  ceiling: {
    doc: `${MATH}: ceiling(x) → [same as input]: Returns x rounded up to the nearest integer.`,
    examples: [
      { sql: 'SELECT ceiling(-2.5e0) AS r', expected: '-2e0' },
      { sql: 'SELECT ceiling(CAST(7 AS DOUBLE) / 2) AS r', expected: '4e0' },
    ],
  },
  date_add: {
    doc: `${DT}: date_add(unit, value, timestamp) → [same as input]; SELECT date_add('second', 86, TIMESTAMP '2020-03-01 00:00:00'); -- 2020-03-01 00:01:26.000`,
    examples: [
      { sql: "SELECT date_add('second', 86, TIMESTAMP '2020-03-01 00:00:00') AS r", expected: "TIMESTAMP '2020-03-01 00:01:26.000'" },
      { sql: "SELECT date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00') AS r", expected: "TIMESTAMP '2020-03-01 09:00:00.000'" },
      { sql: "SELECT date_add('day', -1, DATE '2020-03-01') AS r", expected: "DATE '2020-02-29'", type: 'DATE' },
      { sql: "SELECT date_add('month', 1, DATE '2020-01-31') AS r", expected: "DATE '2020-02-29'", type: 'DATE' },
    ],
  },
  date_diff: {
    doc: `${DT}: date_diff(unit, timestamp1, timestamp2) → bigint; SELECT date_diff('second', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00'); -- 86400 ... SELECT date_diff('day', DATE '2020-03-01', DATE '2020-03-02'); -- 1`,
    examples: [
      { sql: "SELECT date_diff('second', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00') AS r", expected: '86400' },
      { sql: "SELECT date_diff('hour', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00') AS r", expected: '24' },
      { sql: "SELECT date_diff('day', DATE '2020-03-01', DATE '2020-03-02') AS r", expected: '1' },
      { sql: "SELECT date_diff('second', TIMESTAMP '2020-06-01 12:30:45.000000', TIMESTAMP '2020-06-02 12:30:45.123456') AS r", expected: '86400' },
      // Whole units elapsed, not boundaries crossed: 23:00 to 01:00 the next day is 0 days.
      { sql: "SELECT date_diff('day', TIMESTAMP '2020-03-01 23:00:00', TIMESTAMP '2020-03-02 01:00:00') AS r", expected: '0' },
    ],
  },
  date_trunc: {
    doc: `${DT}: date_trunc(unit, x) → [same as input]; for 2001-08-22 03:04:05.321: day 2001-08-22 00:00:00.000, week 2001-08-20 00:00:00.000, month 2001-08-01 00:00:00.000, quarter 2001-07-01 00:00:00.000, year 2001-01-01 00:00:00.000`,
    examples: [
      { sql: "SELECT date_trunc('day', TIMESTAMP '2001-08-22 03:04:05.321') AS r", expected: "TIMESTAMP '2001-08-22 00:00:00.000'" },
      { sql: "SELECT date_trunc('week', TIMESTAMP '2001-08-22 03:04:05.321') AS r", expected: "TIMESTAMP '2001-08-20 00:00:00.000'" },
      { sql: "SELECT date_trunc('month', TIMESTAMP '2001-08-22 03:04:05.321') AS r", expected: "TIMESTAMP '2001-08-01 00:00:00.000'" },
      { sql: "SELECT date_trunc('quarter', TIMESTAMP '2001-08-22 03:04:05.321') AS r", expected: "TIMESTAMP '2001-07-01 00:00:00.000'" },
      { sql: "SELECT date_trunc('year', TIMESTAMP '2001-08-22 03:04:05.321') AS r", expected: "TIMESTAMP '2001-01-01 00:00:00.000'" },
      { sql: "SELECT date_trunc('month', DATE '2001-08-22') AS r", expected: "DATE '2001-08-01'", type: 'DATE' },
    ],
  },
  coalesce: {
    doc: `${COND}: coalesce(value1, value2[, ...]): Returns the first non-null value in the argument list.`,
    examples: [{ sql: 'SELECT coalesce(NULL, 2, 3) AS r', expected: '2' }],
  },
  nullif: {
    doc: `${COND}: nullif(value1, value2): Returns null if value1 equals value2, otherwise returns value1.`,
    examples: [
      { sql: 'SELECT nullif(0, 0) AS r', expected: 'NULL' },
      { sql: 'SELECT nullif(4, 0) AS r', expected: '4' },
    ],
  },
  greatest: {
    doc: `${CMP}: greatest(value1, value2, ..., valueN): Returns the largest of the provided values (null if any is null, as Trino evaluates it).`,
    examples: [
      { sql: 'SELECT greatest(1, 5, 3) AS r', expected: '5' },
      { sql: 'SELECT greatest(1, NULL) AS r', expected: 'NULL' },
    ],
  },
  least: {
    doc: `${CMP}: least(value1, value2, ..., valueN): Returns the smallest of the provided values (null if any is null, as Trino evaluates it).`,
    examples: [
      { sql: 'SELECT least(4, 2, 3) AS r', expected: '2' },
      { sql: 'SELECT least(1, NULL) AS r', expected: 'NULL' },
    ],
  },
  concat: {
    doc: `${STR}: concat(string1, ..., stringN): Concatenates string1, string2, ..., stringN; the same as the SQL-standard || operator (so null with a null argument).`,
    examples: [
      { sql: "SELECT concat('a', 'b', 'c') AS r", expected: "'abc'" },
      { sql: "SELECT concat('a', NULL) AS r", expected: 'NULL' },
    ],
  },
  json_parse: {
    doc: `${JSON_DOC}: SELECT json_parse('[1, 2, 3]'); -- JSON '[1,2,3]'`,
    examples: [{ sql: "SELECT json_array_length(json_parse('[1, 2, 3]')) AS r", expected: '3' }],
  },
  json_array_length: {
    doc: `${JSON_DOC}: SELECT json_array_length(JSON '[1, 2, 3]'); -- 3`,
    examples: [
      { sql: "SELECT json_array_length('[1, 2, 3]') AS r", expected: '3' },
      { sql: "SELECT json_array_length('[]') AS r", expected: '0' },
    ],
  },
  json_extract_scalar: {
    doc: `${JSON_DOC}: SELECT json_extract_scalar('[1, 2, 3]', '$[2]'); -- '3'; the value must be a scalar (null for an object or array)`,
    examples: [
      { sql: "SELECT json_extract_scalar('[1, 2, 3]', '$[2]') AS r", expected: "'3'" },
      { sql: `SELECT json_extract_scalar('{"a": {"b": 1}}', '$.a') AS r`, expected: 'NULL' },
      { sql: `SELECT json_extract_scalar('{"a": "x"}', '$.a') AS r`, expected: "'x'" },
    ],
  },
  array_join: {
    doc: `${ARRAY_DOC}: array_join(x, delimiter) → varchar: Concatenates the elements of the given array using the delimiter. Null elements are omitted in the result.`,
    examples: [
      { sql: "SELECT array_join(ARRAY['a', 'b', 'c'], ' > ') AS r", expected: "'a > b > c'" },
      { sql: "SELECT array_join(ARRAY['a', NULL, 'c'], ',') AS r", expected: "'a,c'" },
    ],
  },
  array_agg: {
    doc: `${AGG}: array_agg(x) → array<[same as input]>: Returns an array created from the input x elements (ORDER BY in the call orders them).`,
    examples: [{ sql: 'SELECT array_agg(i ORDER BY i DESC) AS r FROM (VALUES (2), (3), (1)) AS t(i)', expected: 'ARRAY[3, 2, 1]' }],
  },
  count: {
    doc: `${AGG}: count(*) → bigint: Returns the number of input rows; count(x) → bigint: Returns the number of non-null input values.`,
    examples: [
      { sql: 'SELECT count(*) AS r FROM (VALUES (1), (NULL), (3)) AS t(i)', expected: '3', type: 'BIGINT' },
      { sql: 'SELECT count(i) AS r FROM (VALUES (1), (NULL), (3)) AS t(i)', expected: '2', type: 'BIGINT' },
      { sql: 'SELECT count(DISTINCT i) AS r FROM (VALUES (1), (1), (3)) AS t(i)', expected: '2', type: 'BIGINT' },
    ],
  },
  sum: {
    doc: `${AGG}: sum(x) → [same as input]: Returns the sum of all input values (nulls ignored).`,
    examples: [
      { sql: 'SELECT sum(CAST(i AS DECIMAL(18,2))) AS r FROM (VALUES (0.10), (NULL), (0.20)) AS t(i)', expected: 'CAST(0.30 AS DECIMAL(38,2))', type: 'DECIMAL(38,2)' },
      { sql: 'SELECT sum(i) AS r FROM (VALUES (1), (2)) AS t(i) WHERE i > 5', expected: 'NULL' },
    ],
  },
  avg: {
    doc: `${AGG}: avg(x) → double: Returns the average (arithmetic mean) of all input values (report SQL averages only DOUBLE: the lint's avg-type rule).`,
    examples: [{ sql: 'SELECT avg(CAST(i AS DOUBLE)) AS r FROM (VALUES (1), (2), (NULL)) AS t(i)', expected: '1.5e0', type: 'DOUBLE' }],
  },
  min: {
    doc: `${AGG}: min(x) → [same as input]: Returns the minimum value of all input values.`,
    examples: [{ sql: "SELECT min(d) AS r FROM (VALUES (DATE '2024-02-01'), (DATE '2024-01-05')) AS t(d)", expected: "DATE '2024-01-05'" }],
  },
  max: {
    doc: `${AGG}: max(x) → [same as input]: Returns the maximum value of all input values.`,
    examples: [{ sql: "SELECT max(d) AS r FROM (VALUES (DATE '2024-02-01'), (DATE '2024-01-05')) AS t(d)", expected: "DATE '2024-02-01'" }],
  },
  min_by: {
    doc: `${AGG}: min_by(x, y) → [same as x]: Returns the value of x associated with the minimum value of y over all input values.`,
    examples: [{ sql: "SELECT min_by(x, y) AS r FROM (VALUES ('a', 3), ('b', 1), ('c', 2)) AS t(x, y)", expected: "'b'" }],
  },
  max_by: {
    doc: `${AGG}: max_by(x, y) → [same as x]: Returns the value of x associated with the maximum value of y over all input values.`,
    examples: [{ sql: "SELECT max_by(x, y) AS r FROM (VALUES ('a', 3), ('b', 1), ('c', 2)) AS t(x, y)", expected: "'a'" }],
  },
  row_number: {
    doc: `${WIN}: row_number() → bigint: Returns a unique, sequential number for each row, starting with one.`,
    examples: [{ sql: overSix('row_number() OVER (ORDER BY i DESC)'), expected: 'ARRAY[6, 5, 4, 3, 2, 1]' }],
  },
  ntile: {
    doc: `${WIN}: ntile(n) → bigint: ... For example, with 6 rows and 4 buckets, the bucket values would be as follows: 1 1 2 2 3 4`,
    examples: [{ sql: overSix('ntile(4) OVER (ORDER BY i)'), expected: 'ARRAY[1, 1, 2, 2, 3, 4]' }],
  },
  lag: {
    doc: `${WIN}: lag(x[, offset[, default_value]]): the value at offset rows before the current row; default offset 1; outside the partition the default_value, or null.`,
    examples: [
      { sql: overSix('lag(i) OVER (ORDER BY i)'), expected: 'ARRAY[NULL, 1, 2, 3, 4, 5]' },
      { sql: overSix('lag(i, 2, 0) OVER (ORDER BY i)'), expected: 'ARRAY[0, 0, 1, 2, 3, 4]' },
    ],
  },
  lead: {
    doc: `${WIN}: lead(x[, offset[, default_value]]): the value at offset rows after the current row; default offset 1; outside the partition the default_value, or null.`,
    examples: [
      { sql: overSix('lead(i) OVER (ORDER BY i)'), expected: 'ARRAY[2, 3, 4, 5, 6, NULL]' },
      { sql: overSix('lead(i, 2, 0) OVER (ORDER BY i)'), expected: 'ARRAY[3, 4, 5, 6, 0, 0]' },
    ],
  },
};
