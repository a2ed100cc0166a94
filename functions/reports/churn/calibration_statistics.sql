-- The calibration/holdout check of the purchase model: the 26 weeks up to the as-of date are held out.
-- Customers who first bought by the cut-off are summarised on the calibration period alone (x, t_x, t in
-- weeks as in customer_statistics) and grouped by those statistics, with the repeat purchase days they
-- actually made in the holdout weeks; the report fits the model on the calibration rows and compares.
WITH bounds AS (
  SELECT date_add('day', -182, :as_of) AS cutoff
),
purchase_days AS (
  SELECT DISTINCT o.customer_id, o.currency, CAST(o.ordered_at AS DATE) AS day
  FROM orders_as_of AS o
  WHERE o.status <> 'cancelled'
),
per_customer AS (
  SELECT
    p.customer_id,
    p.currency,
    min(p.day) AS first_day,
    max(CASE WHEN p.day <= b.cutoff THEN p.day END) AS last_calibration_day,
    count(CASE WHEN p.day <= b.cutoff THEN 1 END) - 1 AS x_calibration,
    count(CASE WHEN p.day > b.cutoff THEN 1 END) AS holdout_purchases
  FROM purchase_days AS p
  CROSS JOIN bounds AS b
  GROUP BY p.customer_id, p.currency
)
SELECT
  b.cutoff,
  CAST(date_diff('day', b.cutoff, :as_of) AS DOUBLE) / 7 AS holdout_weeks,
  c.x_calibration,
  CAST(date_diff('day', c.first_day, c.last_calibration_day) AS DOUBLE) / 7 AS t_x_calibration,
  CAST(date_diff('day', c.first_day, b.cutoff) AS DOUBLE) / 7 AS t_calibration,
  count(*) AS customers,
  sum(c.holdout_purchases) AS holdout_purchases
FROM per_customer AS c
CROSS JOIN bounds AS b
WHERE c.first_day <= b.cutoff
GROUP BY b.cutoff, c.x_calibration, c.first_day, c.last_calibration_day
ORDER BY c.x_calibration, t_x_calibration, t_calibration
