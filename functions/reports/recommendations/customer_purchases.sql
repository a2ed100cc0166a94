-- What each customer bought, per product and day, from the line items of their orders up to the as-of
-- date (cancelled orders are not purchases). Line items are a JSON array in the lake; a numbers table
-- up to the longest order walks it in both dialects (UNNEST of a JSON cast differs between engines).
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
),
bought AS (
  SELECT o.customer_id, o.ordered_at, o.line_items, json_array_length(json_parse(o.line_items)) AS lines
  FROM orders_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.status <> 'cancelled'
    AND o.ordered_at < b.period_end
),
digits (d) AS (
  VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)
),
line_numbers AS (
  SELECT h.d * 100 + t.d * 10 + u.d AS n
  FROM digits AS h
  CROSS JOIN digits AS t
  CROSS JOIN digits AS u
  WHERE h.d * 100 + t.d * 10 + u.d < (SELECT max(lines) FROM bought)
),
lines AS (
  SELECT
    b.customer_id,
    CAST(b.ordered_at AS DATE) AS bought_on,
    json_extract_scalar(b.line_items, concat('$[', CAST(n.n AS VARCHAR), '].sku')) AS sku,
    CAST(json_extract_scalar(b.line_items, concat('$[', CAST(n.n AS VARCHAR), '].quantity')) AS BIGINT) AS quantity
  FROM bought AS b
  JOIN line_numbers AS n ON n.n < b.lines
)
SELECT
  customer_id,
  sku,
  bought_on,
  count(*) AS lines,
  CAST(sum(quantity) AS BIGINT) AS quantity
FROM lines
WHERE sku IS NOT NULL
GROUP BY customer_id, sku, bought_on
ORDER BY customer_id, sku, bought_on
