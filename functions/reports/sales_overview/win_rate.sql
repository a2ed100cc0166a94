-- Opportunities won or lost in the 12 months up to the as-of date, per currency: counts, amounts and
-- the win rate by count and by amount. An opportunity counts when it closed (closed_at, or the time
-- of the version that closed it when closed_at is missing).
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -12, date_add('day', 1, :as_of)) AS TIMESTAMP) AS period_start
),
closed AS (
  SELECT o.currency, o.amount, o.stage = 'closed_won' AS won
  FROM opportunities_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.stage IN ('closed_won', 'closed_lost')
    AND COALESCE(o.closed_at, o.updated_at) >= b.period_start
    AND COALESCE(o.closed_at, o.updated_at) < b.period_end
),
totals AS (
  SELECT
    currency,
    count(*) FILTER (WHERE won) AS won,
    count(*) FILTER (WHERE NOT won) AS lost,
    COALESCE(sum(amount) FILTER (WHERE won), 0) AS won_amount,
    COALESCE(sum(amount) FILTER (WHERE NOT won), 0) AS lost_amount
  FROM closed
  GROUP BY currency
)
SELECT
  currency,
  won,
  lost,
  CAST(won AS DOUBLE) / NULLIF(won + lost, 0) AS win_rate,
  CAST(won_amount AS DECIMAL(18,2)) AS won_amount,
  CAST(lost_amount AS DECIMAL(18,2)) AS lost_amount,
  CAST(won_amount AS DOUBLE) / NULLIF(CAST(won_amount + lost_amount AS DOUBLE), 0) AS win_rate_by_amount
FROM totals
ORDER BY currency
