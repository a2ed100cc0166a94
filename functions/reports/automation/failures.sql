-- Rules that failed in the 30 days up to the as-of date: runs, failed runs, the failure rate, runs that
-- needed more than one attempt, and the latest failure with its error. Rules without failures are left out.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('day', -29, :as_of) AS TIMESTAMP) AS period_start
),
runs AS (
  SELECT r.id, r.rule_id, r.status, r.started_at, r.error, r.attempts
  FROM automation_runs_as_of AS r
  CROSS JOIN bounds AS b
  WHERE r.started_at >= b.period_start
    AND r.started_at < b.period_end
),
latest_failures AS (
  SELECT
    rule_id,
    started_at,
    error,
    row_number() OVER (PARTITION BY rule_id ORDER BY started_at DESC, id DESC) AS recency
  FROM runs
  WHERE status = 'failed'
),
per_rule AS (
  SELECT
    rule_id,
    count(*) AS runs,
    count(*) FILTER (WHERE status = 'failed') AS failed_runs,
    count(*) FILTER (WHERE attempts > 1) AS retried_runs
  FROM runs
  GROUP BY rule_id
)
SELECT
  p.rule_id,
  p.runs,
  p.failed_runs,
  CAST(p.failed_runs AS DOUBLE) / NULLIF(p.runs, 0) AS failure_rate,
  p.retried_runs,
  l.started_at AS last_failed_at,
  l.error AS last_error
FROM per_rule AS p
JOIN latest_failures AS l ON l.rule_id = p.rule_id AND l.recency = 1
ORDER BY p.failed_runs DESC, p.rule_id
