-- CSAT and NPS by month of response and channel over the 12 months up to the as-of date. The channel is
-- the ticket's contact channel for a survey about a ticket, the order's sales channel for one about an
-- order, prefixed with the touchpoint ('ticket/phone', 'order/phone', 'none'). CSAT (1-5): responses, mean score and the share satisfied
-- (4 or 5); NPS (0-10): promoters (9-10), detractors (0-6) and NPS = 100 × (promoters − detractors) / responses.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -11, date_trunc('month', :as_of)) AS TIMESTAMP) AS period_start
),
responses AS (
  SELECT
    CAST(date_trunc('month', s.responded_at) AS DATE) AS month,
    CASE WHEN s.ticket_id IS NOT NULL THEN 'ticket' WHEN s.order_id IS NOT NULL THEN 'order' ELSE 'none' END AS touchpoint,
    CASE WHEN t.channel IS NOT NULL THEN concat('ticket/', t.channel) WHEN o.channel IS NOT NULL THEN concat('order/', o.channel) ELSE 'none' END AS channel,
    s.kind,
    s.score
  FROM survey_responses_as_of AS s
  LEFT JOIN tickets_as_of AS t ON t.id = s.ticket_id
  LEFT JOIN orders_as_of AS o ON o.id = s.order_id
  CROSS JOIN bounds AS b
  WHERE s.responded_at >= b.period_start
    AND s.responded_at < b.period_end
)
SELECT
  month,
  touchpoint,
  channel,
  count(*) FILTER (WHERE kind = 'csat') AS csat_responses,
  round(avg(CAST(score AS DOUBLE)) FILTER (WHERE kind = 'csat'), 4) AS csat_average,
  CAST(count(*) FILTER (WHERE kind = 'csat' AND score >= 4) AS DOUBLE) / NULLIF(count(*) FILTER (WHERE kind = 'csat'), 0) AS csat_satisfied_rate,
  count(*) FILTER (WHERE kind = 'nps') AS nps_responses,
  count(*) FILTER (WHERE kind = 'nps' AND score >= 9) AS promoters,
  count(*) FILTER (WHERE kind = 'nps' AND score <= 6) AS detractors,
  100 * CAST(count(*) FILTER (WHERE kind = 'nps' AND score >= 9) - count(*) FILTER (WHERE kind = 'nps' AND score <= 6) AS DOUBLE) / NULLIF(count(*) FILTER (WHERE kind = 'nps'), 0) AS nps
FROM responses
GROUP BY month, touchpoint, channel
ORDER BY month, touchpoint, channel
