-- The lead funnel by channel and month of the lead: leads created in the lookback window and how many
-- reached qualified (the first version of the lead qualified or converted, or an opportunity), an
-- opportunity (one carrying the lead's id) and a won deal, with step conversion rates and the exact
-- median days between steps. The channel is the lead's campaign channel, else its source.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('day', 1 - :lookback_days, :as_of) AS TIMESTAMP) AS period_start
),
lead_base AS (
  SELECT l.id, COALESCE(c.channel, l.source) AS channel, CAST(date_trunc('month', l.created_at) AS DATE) AS month, l.created_at
  FROM leads_as_of AS l
  LEFT JOIN campaigns_as_of AS c ON c.id = l.campaign_id
  CROSS JOIN bounds AS b
  WHERE l.created_at >= b.period_start AND l.created_at < b.period_end
),
qualified AS (
  SELECT h.id, min(h.updated_at) AS qualified_at
  FROM leads_history AS h
  CROSS JOIN bounds AS b
  WHERE h.status IN ('qualified', 'converted') AND h.updated_at < b.period_end
  GROUP BY h.id
),
deals AS (
  SELECT lead_id, min(created_at) AS opportunity_at, min(CASE WHEN stage = 'closed_won' THEN COALESCE(closed_at, updated_at) END) AS won_at
  FROM opportunities_as_of
  WHERE lead_id IS NOT NULL
  GROUP BY lead_id
),
steps AS (
  SELECT l.id, l.channel, l.month, l.created_at,
    CASE WHEN q.qualified_at IS NOT NULL OR d.opportunity_at IS NOT NULL THEN COALESCE(q.qualified_at, d.opportunity_at) END AS qualified_at,
    d.opportunity_at, d.won_at
  FROM lead_base AS l
  LEFT JOIN qualified AS q ON q.id = l.id
  LEFT JOIN deals AS d ON d.lead_id = l.id
),
step_days AS (
  SELECT channel, month, 'to_qualified' AS step, CAST(date_diff('second', created_at, qualified_at) AS DOUBLE) / 86400 AS days FROM steps WHERE qualified_at IS NOT NULL
  UNION ALL
  SELECT channel, month, 'to_opportunity', CAST(date_diff('second', qualified_at, opportunity_at) AS DOUBLE) / 86400 FROM steps WHERE opportunity_at IS NOT NULL
  UNION ALL
  SELECT channel, month, 'to_won', CAST(date_diff('second', opportunity_at, won_at) AS DOUBLE) / 86400 FROM steps WHERE won_at IS NOT NULL AND opportunity_at IS NOT NULL
),
ranked AS (
  SELECT channel, month, step, days,
    row_number() OVER (PARTITION BY channel, month, step ORDER BY days) AS position,
    count(*) OVER (PARTITION BY channel, month, step) AS n
  FROM step_days
),
medians AS (
  -- The middle value, or the mean of the two middle values.
  SELECT channel, month, step, avg(CAST(days AS DOUBLE)) AS median_days
  FROM ranked
  WHERE position IN (floor(CAST(n + 1 AS DOUBLE) / 2), ceiling(CAST(n + 1 AS DOUBLE) / 2))
  GROUP BY channel, month, step
),
counts AS (
  SELECT channel, month, count(*) AS leads, count(qualified_at) AS qualified, count(opportunity_at) AS opportunities, count(won_at) AS won
  FROM steps
  GROUP BY channel, month
)
SELECT
  c.month,
  c.channel,
  c.leads,
  c.qualified,
  c.opportunities,
  c.won,
  CAST(c.qualified AS DOUBLE) / NULLIF(c.leads, 0) AS qualified_rate,
  CAST(c.opportunities AS DOUBLE) / NULLIF(c.qualified, 0) AS opportunity_rate,
  CAST(c.won AS DOUBLE) / NULLIF(c.opportunities, 0) AS win_rate,
  CAST(c.won AS DOUBLE) / NULLIF(c.leads, 0) AS lead_to_won_rate,
  max(CASE WHEN m.step = 'to_qualified' THEN m.median_days END) AS median_days_to_qualified,
  max(CASE WHEN m.step = 'to_opportunity' THEN m.median_days END) AS median_days_to_opportunity,
  max(CASE WHEN m.step = 'to_won' THEN m.median_days END) AS median_days_to_won
FROM counts AS c
LEFT JOIN medians AS m ON m.channel = c.channel AND m.month = c.month
GROUP BY c.month, c.channel, c.leads, c.qualified, c.opportunities, c.won
ORDER BY c.month, c.channel
