-- RFM scores of every customer with at least one order (cancelled ones left out) up to the as-of date.
-- Recency is days from the last order to the as-of date, frequency the number of orders, monetary
-- the revenue in the customer's main currency (the one they spent most in; ties by code), since money
-- is never added across currencies. Each score is a quintile, 5 the best: recency reversed (recent is
-- good), monetary ranked among customers of the same currency. Ties are broken deterministically by
-- the other two measures (better ranks higher), then by customer id, so equal inputs give equal scores.
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
),
sales AS (
  SELECT o.customer_id, o.currency, o.ordered_at, o.total
  FROM orders_as_of AS o
  CROSS JOIN bounds AS b
  WHERE o.status <> 'cancelled'
    AND o.ordered_at < b.period_end
),
by_currency AS (
  SELECT
    customer_id,
    currency,
    CAST(sum(total) AS DECIMAL(18,2)) AS revenue,
    row_number() OVER (PARTITION BY customer_id ORDER BY sum(total) DESC, currency) AS currency_rank
  FROM sales
  GROUP BY customer_id, currency
),
measures AS (
  SELECT
    s.customer_id,
    CAST(min(s.ordered_at) AS DATE) AS first_order_date,
    CAST(max(s.ordered_at) AS DATE) AS last_order_date,
    count(*) AS frequency
  FROM sales AS s
  GROUP BY s.customer_id
),
buyers AS (
  SELECT
    m.customer_id,
    c.currency,
    m.first_order_date,
    m.last_order_date,
    date_diff('day', m.last_order_date, :as_of) AS recency_days,
    m.frequency,
    c.revenue AS monetary
  FROM measures AS m
  JOIN by_currency AS c ON c.customer_id = m.customer_id AND c.currency_rank = 1
)
SELECT
  customer_id,
  currency,
  first_order_date,
  last_order_date,
  recency_days,
  frequency,
  monetary,
  ntile(5) OVER (ORDER BY recency_days DESC, frequency, monetary, customer_id) AS r_score,
  ntile(5) OVER (ORDER BY frequency, monetary, recency_days DESC, customer_id) AS f_score,
  ntile(5) OVER (PARTITION BY currency ORDER BY monetary, frequency, recency_days DESC, customer_id) AS m_score
FROM buyers
ORDER BY customer_id
