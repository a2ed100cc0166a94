-- How fast new leads reach an owner: per calendar month of lead creation over the 12 months up to the
-- as-of date, the leads created, how many had an owner by the end of the as-of day, and the median hours
-- from creation to the first version of the lead that had an owner (leads_history, up to the as-of day).
-- A lead that arrived already owned counts with the time between its creation and that version.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    date_trunc('month', :as_of) AS last_month
),
months AS (
  SELECT date_add('month', -n, b.last_month) AS month
  FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)) AS offsets (n)
  CROSS JOIN bounds AS b
),
created_leads AS (
  SELECT l.id, l.created_at, CAST(date_trunc('month', l.created_at) AS DATE) AS month
  FROM leads_as_of AS l
),
first_owned AS (
  SELECT h.id, min(h.updated_at) AS owned_at
  FROM leads_history AS h
  CROSS JOIN bounds AS b
  WHERE h.owner_id IS NOT NULL
    AND h.op <> 'remove'
    AND h.updated_at < b.period_end
  GROUP BY h.id
),
waits AS (
  SELECT l.month, CAST(greatest(date_diff('second', l.created_at, f.owned_at), 0) AS DOUBLE) / 3600 AS hours
  FROM created_leads AS l
  JOIN first_owned AS f ON f.id = l.id
),
ranked AS (
  SELECT
    month,
    hours,
    row_number() OVER (PARTITION BY month ORDER BY hours) AS position,
    count(*) OVER (PARTITION BY month) AS assigned
  FROM waits
),
-- Exact median on both engines: the middle value, or the mean of the two middle values.
medians AS (
  SELECT month, avg(CAST(hours AS DOUBLE)) AS median_hours
  FROM ranked
  WHERE 2 * position IN (assigned, assigned + 1, assigned + 2)
  GROUP BY month
)
SELECT
  m.month,
  count(l.id) AS leads_created,
  count(f.id) AS leads_assigned,
  round(max(md.median_hours), 2) AS median_hours_to_first_owner
FROM months AS m
LEFT JOIN created_leads AS l ON l.month = m.month
LEFT JOIN first_owned AS f ON f.id = l.id
LEFT JOIN medians AS md ON md.month = m.month
GROUP BY m.month
ORDER BY m.month
