-- One row per customer journey in the lookback window, the input of the attribution models. A
-- converting journey is an order (not cancelled) placed in the window, with the campaign touches of
-- its customer (directly or through the lead that became the customer) after their previous order
-- and at most :attribution_window_days before it. The touches in the window that lead to no order
-- form one non-converting journey per person (no currency: they enter every currency's Markov chain).
-- Paths list channels, campaigns and whole hours before the journey's end (order, else last touch) in touch order.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('day', 1 - :lookback_days, :as_of) AS TIMESTAMP) AS period_start
),
touches AS (
  SELECT t.id AS touch_id, t.campaign_id, t.channel, t.touched_at,
    COALESCE(t.customer_id, l.customer_id, concat('lead:', t.lead_id)) AS person_id
  FROM campaign_touches_as_of AS t
  LEFT JOIN leads_as_of AS l ON l.id = t.lead_id
  CROSS JOIN bounds AS b
  WHERE t.touched_at >= b.period_start AND t.touched_at < b.period_end
),
sequenced_orders AS (
  SELECT o.id, o.customer_id, o.ordered_at, o.currency, o.total,
    lag(o.ordered_at) OVER (PARTITION BY o.customer_id ORDER BY o.ordered_at, o.id) AS previous_ordered_at
  FROM orders_as_of AS o
  WHERE o.status <> 'cancelled'
),
conversions AS (
  SELECT o.*
  FROM sequenced_orders AS o
  CROSS JOIN bounds AS b
  WHERE o.ordered_at >= b.period_start AND o.ordered_at < b.period_end
),
assigned AS (
  -- Orders split each customer's timeline, so a touch falls before at most one order.
  SELECT t.*, o.id AS order_id, o.ordered_at, o.currency, o.total
  FROM touches AS t
  LEFT JOIN conversions AS o
    ON o.customer_id = t.person_id
    AND t.touched_at <= o.ordered_at
    AND (o.previous_ordered_at IS NULL OR t.touched_at > o.previous_ordered_at)
    AND o.ordered_at <= date_add('day', :attribution_window_days, t.touched_at)
),
journey_touches AS (
  SELECT
    COALESCE(a.order_id, concat('none:', a.person_id)) AS journey_id,
    a.person_id, a.currency, a.order_id IS NOT NULL AS converted, a.total,
    a.touch_id, a.campaign_id, a.channel, a.touched_at,
    COALESCE(a.ordered_at, max(a.touched_at) OVER (PARTITION BY a.person_id, a.order_id)) AS ended_at
  FROM assigned AS a
)
SELECT
  journey_id,
  person_id,
  currency,
  CAST(max(CASE WHEN converted THEN 1 ELSE 0 END) AS BIGINT) AS converted,
  CAST(COALESCE(max(total), 0) AS DECIMAL(18,2)) AS value,
  count(*) AS touches,
  array_join(array_agg(channel ORDER BY touched_at, touch_id), ' > ') AS channel_path,
  array_join(array_agg(campaign_id ORDER BY touched_at, touch_id), ' > ') AS campaign_path,
  -- Whole hours as BIGINT text: a DOUBLE would read '7.0' on DuckDB but '7.0E0' on Athena.
  array_join(array_agg(CAST(CAST(round(CAST(date_diff('second', touched_at, ended_at) AS DOUBLE) / 3600) AS BIGINT) AS VARCHAR) ORDER BY touched_at, touch_id), ' > ') AS hours_before_path
FROM journey_touches
GROUP BY journey_id, person_id, currency
ORDER BY journey_id
