-- Per campaign running in the lookback window (started by the as-of date, not ended before the window):
-- its spend (the campaign's recorded spend, in its currency), touches and people reached in the window,
-- leads it brought in the window, and customers won: people whose first order ever falls in the window
-- with a touch of the campaign at most :attribution_window_days before it.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('day', 1 - :lookback_days, :as_of) AS TIMESTAMP) AS period_start,
    date_add('day', 1 - :lookback_days, :as_of) AS first_day
),
running AS (
  SELECT c.id, c.name, c.channel, c.currency, c.spend
  FROM campaigns_as_of AS c
  CROSS JOIN bounds AS b
  WHERE c.start_date <= :as_of AND (c.end_date IS NULL OR c.end_date >= b.first_day)
),
touches AS (
  SELECT t.id, t.campaign_id, t.touched_at, COALESCE(t.customer_id, l.customer_id, concat('lead:', t.lead_id)) AS person_id
  FROM campaign_touches_as_of AS t
  LEFT JOIN leads_as_of AS l ON l.id = t.lead_id
  CROSS JOIN bounds AS b
  WHERE t.touched_at >= b.period_start AND t.touched_at < b.period_end
),
first_orders AS (
  SELECT customer_id, min(ordered_at) AS first_ordered_at
  FROM orders_as_of
  WHERE status <> 'cancelled'
  GROUP BY customer_id
),
won AS (
  SELECT t.campaign_id, count(DISTINCT f.customer_id) AS customers_won
  FROM touches AS t
  JOIN first_orders AS f ON f.customer_id = t.person_id
  CROSS JOIN bounds AS b
  WHERE f.first_ordered_at >= b.period_start AND f.first_ordered_at < b.period_end
    AND t.touched_at <= f.first_ordered_at
    AND f.first_ordered_at <= date_add('day', :attribution_window_days, t.touched_at)
  GROUP BY t.campaign_id
),
reach AS (
  SELECT campaign_id, count(*) AS touches, count(DISTINCT person_id) AS people_reached
  FROM touches
  GROUP BY campaign_id
),
new_leads AS (
  SELECT l.campaign_id, count(*) AS leads
  FROM leads_as_of AS l
  CROSS JOIN bounds AS b
  WHERE l.campaign_id IS NOT NULL AND l.created_at >= b.period_start AND l.created_at < b.period_end
  GROUP BY l.campaign_id
)
SELECT
  c.id AS campaign_id,
  c.name AS campaign_name,
  c.channel,
  c.currency,
  CAST(c.spend AS DECIMAL(18,2)) AS spend,
  COALESCE(r.touches, 0) AS touches,
  COALESCE(r.people_reached, 0) AS people_reached,
  COALESCE(n.leads, 0) AS leads,
  COALESCE(w.customers_won, 0) AS customers_won
FROM running AS c
LEFT JOIN reach AS r ON r.campaign_id = c.id
LEFT JOIN new_leads AS n ON n.campaign_id = c.id
LEFT JOIN won AS w ON w.campaign_id = c.id
ORDER BY c.id
