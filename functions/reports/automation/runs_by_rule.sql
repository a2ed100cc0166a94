-- Automation runs per rule and day over the 30 days up to the as-of date, by outcome. A run is one rule
-- for one triggering change or scheduled day; its retries are the same run, counted once in the status
-- it had at the end of the as-of day (automation_runs_as_of).
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('day', -29, :as_of) AS TIMESTAMP) AS period_start
)
SELECT
  r.rule_id,
  CAST(r.started_at AS DATE) AS day,
  count(*) AS runs,
  count(*) FILTER (WHERE r.status = 'succeeded') AS succeeded,
  count(*) FILTER (WHERE r.status = 'failed') AS failed,
  count(*) FILTER (WHERE r.status = 'skipped') AS skipped,
  count(*) FILTER (WHERE r.status = 'suppressed') AS suppressed
FROM automation_runs_as_of AS r
CROSS JOIN bounds AS b
WHERE r.started_at >= b.period_start
  AND r.started_at < b.period_end
GROUP BY r.rule_id, CAST(r.started_at AS DATE)
ORDER BY day, r.rule_id
