-- Revenue per complete ISO week (Monday to Sunday) and currency over the 156 weeks up to the last week
-- complete at the end of the as-of day. Weeks without sales have no row; the forecast step fills them with zero.
WITH bounds AS (
  SELECT
    CAST(date_trunc('week', date_add('day', 1, :as_of)) AS TIMESTAMP) AS period_end,
    CAST(date_add('week', -156, date_trunc('week', date_add('day', 1, :as_of))) AS TIMESTAMP) AS period_start
)
SELECT
  CAST(date_trunc('week', o.ordered_at) AS DATE) AS week,
  o.currency,
  CAST(sum(o.total) AS DECIMAL(18,2)) AS revenue,
  count(*) AS orders
FROM orders_as_of AS o
CROSS JOIN bounds AS b
WHERE o.status <> 'cancelled'
  AND o.ordered_at >= b.period_start
  AND o.ordered_at < b.period_end
GROUP BY CAST(date_trunc('week', o.ordered_at) AS DATE), o.currency
ORDER BY week, o.currency
