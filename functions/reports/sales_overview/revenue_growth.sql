-- Revenue, orders and buyers in the 12 months up to the as-of date against the 12 months before, per
-- currency (amounts in different currencies are never added). The windows end with the as-of day, so
-- the comparison is like for like on any date, not only at month ends.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -12, date_add('day', 1, :as_of)) AS TIMESTAMP) AS last_start,
    CAST(date_add('month', -24, date_add('day', 1, :as_of)) AS TIMESTAMP) AS previous_start
),
sales AS (
  SELECT o.customer_id, o.currency, o.total, o.ordered_at >= b.last_start AS in_last_12_months
  FROM orders_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.status <> 'cancelled'
    AND o.ordered_at >= b.previous_start
    AND o.ordered_at < b.period_end
),
totals AS (
  SELECT
    currency,
    COALESCE(sum(total) FILTER (WHERE in_last_12_months), 0) AS revenue_last_12_months,
    COALESCE(sum(total) FILTER (WHERE NOT in_last_12_months), 0) AS revenue_previous_12_months,
    count(*) FILTER (WHERE in_last_12_months) AS orders_last_12_months,
    count(*) FILTER (WHERE NOT in_last_12_months) AS orders_previous_12_months,
    count(DISTINCT customer_id) FILTER (WHERE in_last_12_months) AS buyers_last_12_months,
    count(DISTINCT customer_id) FILTER (WHERE NOT in_last_12_months) AS buyers_previous_12_months
  FROM sales
  GROUP BY currency
)
SELECT
  currency,
  CAST(revenue_last_12_months AS DECIMAL(18,2)) AS revenue_last_12_months,
  CAST(revenue_previous_12_months AS DECIMAL(18,2)) AS revenue_previous_12_months,
  -- NULL when there was no revenue to grow from.
  CAST(revenue_last_12_months AS DOUBLE) / NULLIF(CAST(revenue_previous_12_months AS DOUBLE), 0) - 1 AS revenue_growth,
  orders_last_12_months,
  orders_previous_12_months,
  buyers_last_12_months,
  buyers_previous_12_months
FROM totals
ORDER BY currency
