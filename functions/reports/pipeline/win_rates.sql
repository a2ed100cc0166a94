-- Deals closed in the 12 months up to the as-of date, per owner and currency: won and lost, the win
-- rate by count, the average won deal, and the sales cycle (created to closed) of the won ones.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -12, date_add('day', 1, :as_of)) AS TIMESTAMP) AS period_start
),
closed AS (
  SELECT
    o.owner_id,
    o.currency,
    o.amount,
    o.stage = 'closed_won' AS won,
    CAST(date_diff('second', o.created_at, COALESCE(o.closed_at, o.updated_at)) AS DOUBLE) / 86400 AS cycle_days
  FROM opportunities_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.stage IN ('closed_won', 'closed_lost')
    AND COALESCE(o.closed_at, o.updated_at) >= b.period_start
    AND COALESCE(o.closed_at, o.updated_at) < b.period_end
)
SELECT
  owner_id,
  currency,
  count(*) FILTER (WHERE won) AS won,
  count(*) FILTER (WHERE NOT won) AS lost,
  CAST(count(*) FILTER (WHERE won) AS DOUBLE) / NULLIF(count(*), 0) AS win_rate,
  CAST(COALESCE(sum(amount) FILTER (WHERE won), 0) AS DECIMAL(18,2)) AS won_amount,
  -- Mean to the cent in exact integer cents, half away from zero as Trino's avg(DECIMAL) (DuckDB's
  -- avg(DECIMAL) and DECIMAL / BIGINT are DOUBLE; functions/reports/README.md "Money averages").
  CAST(sign(CAST(sum(amount) FILTER (WHERE won) * 100 AS BIGINT)) * ((2 * abs(CAST(sum(amount) FILTER (WHERE won) * 100 AS BIGINT)) + count(*) FILTER (WHERE won)) / NULLIF(2 * count(*) FILTER (WHERE won), 0)) * 0.01 AS DECIMAL(18,2)) AS average_deal_size,
  round(avg(CAST(cycle_days AS DOUBLE)) FILTER (WHERE won), 2) AS average_sales_cycle_days
FROM closed
GROUP BY owner_id, currency
ORDER BY owner_id, currency
