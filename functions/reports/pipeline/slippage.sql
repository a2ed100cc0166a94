-- Slippage per owner: of the deals open at some time in the 12 months up to the as-of date, how many
-- had their expected close date pushed later while open, how often and by how many days in all, and
-- how many are open at the as-of date with the expected close date already behind them.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -12, date_add('day', 1, :as_of)) AS TIMESTAMP) AS period_start
),
versions AS (
  SELECT
    h.id,
    h.stage,
    h.expected_close_date,
    h.updated_at,
    lag(h.expected_close_date) OVER (PARTITION BY h.id ORDER BY h.updated_at, h.version) AS previous_expected_close_date,
    lag(h.stage) OVER (PARTITION BY h.id ORDER BY h.updated_at, h.version) AS previous_stage
  FROM opportunities_history AS h
  CROSS JOIN bounds AS b
  WHERE h.updated_at < b.period_end
    AND h.op IS DISTINCT FROM 'remove'
),
pushes AS (
  SELECT id, count(*) AS pushes, sum(date_diff('day', previous_expected_close_date, expected_close_date)) AS days_pushed
  FROM versions
  WHERE stage NOT IN ('closed_won', 'closed_lost')
    AND previous_stage NOT IN ('closed_won', 'closed_lost')
    AND expected_close_date > previous_expected_close_date
  GROUP BY id
),
deals AS (
  SELECT o.id, o.owner_id, o.stage NOT IN ('closed_won', 'closed_lost') AS still_open, o.expected_close_date
  FROM opportunities_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.stage NOT IN ('closed_won', 'closed_lost')
    OR COALESCE(o.closed_at, o.updated_at) >= b.period_start
)
SELECT
  d.owner_id,
  count(*) AS deals,
  count(p.id) AS slipped_deals,
  CAST(count(p.id) AS DOUBLE) / NULLIF(count(*), 0) AS slip_rate,
  COALESCE(sum(p.pushes), 0) AS pushes,
  round(CAST(sum(p.days_pushed) AS DOUBLE) / NULLIF(count(p.id), 0), 2) AS average_days_pushed,
  count(*) FILTER (WHERE d.still_open AND d.expected_close_date < :as_of) AS overdue_open_deals
FROM deals AS d
LEFT JOIN pushes AS p ON p.id = d.id
GROUP BY d.owner_id
ORDER BY d.owner_id
