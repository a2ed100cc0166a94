-- Revenue and orders of every customer per currency up to the as-of date (cancelled orders left out):
-- what the segment revenue is summed from, one currency at a time.
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
)
SELECT
  o.customer_id,
  o.currency,
  count(*) AS orders,
  CAST(sum(o.total) AS DECIMAL(18,2)) AS revenue
FROM orders_as_of AS o
CROSS JOIN bounds AS b
WHERE o.status <> 'cancelled'
  AND o.ordered_at < b.period_end
GROUP BY o.customer_id, o.currency
ORDER BY o.customer_id, o.currency
