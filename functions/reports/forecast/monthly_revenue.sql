-- Revenue per complete calendar month and currency, over all history up to the last month complete at
-- the end of the as-of day (a month still running would look like a drop). Cancelled orders are left out, as in
-- sales_overview. Months without sales have no row here; the forecast step fills them with zero.
WITH bounds AS (
  SELECT CAST(date_trunc('month', date_add('day', 1, :as_of)) AS TIMESTAMP) AS period_end
)
SELECT
  CAST(date_trunc('month', o.ordered_at) AS DATE) AS month,
  o.currency,
  CAST(sum(o.total) AS DECIMAL(18,2)) AS revenue,
  count(*) AS orders
FROM orders_as_of AS o
CROSS JOIN bounds AS b
WHERE o.status <> 'cancelled'
  AND o.ordered_at < b.period_end
GROUP BY CAST(date_trunc('month', o.ordered_at) AS DATE), o.currency
ORDER BY month, o.currency
