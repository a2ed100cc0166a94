-- Revenue, orders, average order value and distinct buyers per calendar month, channel and currency,
-- for the 24 months up to the as-of date (the as-of month counts up to that day). Cancelled orders are
-- left out; returned ones stay in (the sale happened; returns are a measure of their own).
-- orders_as_of: each order as it stood at the end of the as-of day (functions/reports/as-of-snapshots.ts).
WITH bounds AS (
  SELECT
    -- Exclusive end: the first instant after the as-of day (timestamps are UTC).
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -23, date_trunc('month', :as_of)) AS TIMESTAMP) AS period_start
),
sales AS (
  SELECT o.customer_id, o.channel, o.currency, o.total, CAST(date_trunc('month', o.ordered_at) AS DATE) AS month
  FROM orders_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.status <> 'cancelled'
    AND o.ordered_at >= b.period_start
    AND o.ordered_at < b.period_end
)
SELECT
  month,
  channel,
  currency,
  CAST(sum(total) AS DECIMAL(18,2)) AS revenue,
  count(*) AS orders,
  -- Mean to the cent in exact integer cents, half away from zero as Trino's avg(DECIMAL) (DuckDB's
  -- avg(DECIMAL) and DECIMAL / BIGINT are DOUBLE; functions/reports/README.md "Money averages").
  CAST(sign(CAST(sum(total) * 100 AS BIGINT)) * ((2 * abs(CAST(sum(total) * 100 AS BIGINT)) + count(*)) / NULLIF(2 * count(*), 0)) * 0.01 AS DECIMAL(18,2)) AS average_order_value,
  count(DISTINCT customer_id) AS buyers
FROM sales
GROUP BY month, channel, currency
ORDER BY month, channel, currency
