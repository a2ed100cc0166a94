-- Per customer and currency, the sufficient statistics of the BG/NBD and Gamma-Gamma models as of the
-- date, in weeks (Fader, Hardie & Lee 2005): a purchase is a day with at least one order (orders of one
-- day are one transaction, their totals summed); x counts the repeat purchase days after the first,
-- t_x is the time from the first to the last purchase day, t (the papers' T) from the first purchase
-- day to the as-of date, so a customer who first bought on 1997-01-01 has t = 38.86 on 1997-09-30.
-- monetary is the mean value of the repeat purchase days (the first is left out, as the model asks).
-- A customer buying in two currencies is two rows, so money is never mixed. Cancelled orders do not count.
WITH purchase_days AS (
  SELECT o.customer_id, o.currency, CAST(o.ordered_at AS DATE) AS day, sum(o.total) AS day_value
  FROM orders_as_of AS o
  WHERE o.status <> 'cancelled'
  GROUP BY o.customer_id, o.currency, CAST(o.ordered_at AS DATE)
)
SELECT
  customer_id,
  currency,
  min(day) AS first_purchase,
  max(day) AS last_purchase,
  count(*) - 1 AS x,
  CAST(date_diff('day', min(day), max(day)) AS DOUBLE) / 7 AS t_x,
  CAST(date_diff('day', min(day), :as_of) AS DOUBLE) / 7 AS t,
  -- Repeat value = all days' value − the first day's (one aggregation, no window over the purchase days).
  -- Mean to the cent in exact integer cents, half away from zero as Trino's avg(DECIMAL) (DuckDB's
  -- avg(DECIMAL) and DECIMAL / BIGINT are DOUBLE; functions/reports/README.md "Money averages").
  CAST(sign(CAST((sum(day_value) - min_by(day_value, day)) * 100 AS BIGINT)) * ((2 * abs(CAST((sum(day_value) - min_by(day_value, day)) * 100 AS BIGINT)) + count(*) - 1) / NULLIF(2 * (count(*) - 1), 0)) * 0.01 AS DECIMAL(18,2)) AS monetary
FROM purchase_days
GROUP BY customer_id, currency
ORDER BY customer_id, currency
