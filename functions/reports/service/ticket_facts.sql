-- One row per ticket opened in the 12 months up to the as-of date, plus older ones still open or
-- resolved within those months (the backlog needs them): the priority it was opened with (from its
-- first version: escalations raise it later), channel, category, the customer's tier and kind, status,
-- hours to the first response and to resolution (empty until they happened by the end of the as-of
-- day), how often it was reopened (a resolved or closed version followed by an open or pending one in
-- tickets_history) and its CSAT.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -11, date_trunc('month', :as_of)) AS TIMESTAMP) AS period_start
),
versions AS (
  SELECT
    h.id,
    h.status,
    h.priority,
    lag(h.status) OVER (PARTITION BY h.id ORDER BY h.updated_at, h.version) AS previous_status,
    row_number() OVER (PARTITION BY h.id ORDER BY h.updated_at, h.version) AS version_number
  FROM tickets_history AS h
  CROSS JOIN bounds AS b
  WHERE h.updated_at < b.period_end
    AND h.op IS DISTINCT FROM 'remove'
),
ticket_history AS (
  SELECT
    id,
    count(*) FILTER (WHERE previous_status IN ('resolved', 'closed') AND status IN ('open', 'pending')) AS reopens,
    max(priority) FILTER (WHERE version_number = 1) AS opening_priority
  FROM versions
  GROUP BY id
),
ticket_states AS (
  SELECT
    t.id,
    t.opened_at,
    t.priority,
    t.channel,
    t.category,
    t.status,
    t.customer_id,
    t.csat,
    CASE WHEN t.first_response_at < b.period_end THEN t.first_response_at END AS first_response_at,
    CASE WHEN t.status IN ('resolved', 'closed') AND t.resolved_at < b.period_end THEN t.resolved_at END AS resolved_at,
    b.period_start,
    b.period_end
  FROM tickets_as_of AS t
  CROSS JOIN bounds AS b
)
SELECT
  t.id AS ticket_id,
  CAST(date_trunc('month', t.opened_at) AS DATE) AS month,
  t.opened_at,
  COALESCE(h.opening_priority, t.priority) AS priority,
  t.channel,
  t.category,
  COALESCE(c.tier, 'unknown') AS customer_tier,
  COALESCE(c.kind, 'unknown') AS customer_kind,
  t.status,
  t.resolved_at,
  round(CAST(date_diff('second', t.opened_at, t.first_response_at) AS DOUBLE) / 3600, 4) AS first_response_hours,
  round(CAST(date_diff('second', t.opened_at, t.resolved_at) AS DOUBLE) / 3600, 4) AS resolution_hours,
  round(CAST(date_diff('second', t.opened_at, t.period_end) AS DOUBLE) / 3600, 4) AS age_hours,
  COALESCE(h.reopens, 0) AS reopens,
  t.csat
FROM ticket_states AS t
LEFT JOIN ticket_history AS h ON h.id = t.id
LEFT JOIN customers_as_of AS c ON c.id = t.customer_id
WHERE t.opened_at >= t.period_start
  OR t.resolved_at IS NULL
  OR t.resolved_at >= t.period_start
ORDER BY t.id
