-- Distinct buyers per calendar month for the 24 months up to the as-of date, split into new buyers
-- (their first non-cancelled order ever falls in that month) and returning buyers (they had bought
-- before). Every month appears, with zeros when nobody bought.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    date_trunc('month', :as_of) AS last_month
),
months AS (
  SELECT date_add('month', -n, b.last_month) AS month
  FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11),
               (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23)) AS offsets (n)
  CROSS JOIN bounds AS b
),
-- All of a buyer's history counts: a first order before the 24 months makes them returning.
buyer_months AS (
  SELECT DISTINCT o.customer_id, CAST(date_trunc('month', o.ordered_at) AS DATE) AS month
  FROM orders_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.status <> 'cancelled'
    AND o.ordered_at < b.period_end
),
first_months AS (
  SELECT customer_id, min(month) AS first_month FROM buyer_months GROUP BY customer_id
)
SELECT
  m.month,
  count(bm.customer_id) AS buyers,
  count(bm.customer_id) FILTER (WHERE f.first_month = m.month) AS new_buyers,
  count(bm.customer_id) FILTER (WHERE f.first_month < m.month) AS returning_buyers
FROM months AS m
LEFT JOIN buyer_months AS bm ON bm.month = m.month
LEFT JOIN first_months AS f ON f.customer_id = bm.customer_id
GROUP BY m.month
ORDER BY m.month
