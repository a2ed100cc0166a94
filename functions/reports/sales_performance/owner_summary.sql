-- Per owner (the users entity gives the team; owners missing there are in team 'unassigned'): deals
-- won and lost in the 12 months up to the as-of date and the win rate by count, activities logged in
-- those months, open deals and customers owned at the as-of date. Money is per currency in owner_revenue.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -12, date_add('day', 1, :as_of)) AS TIMESTAMP) AS period_start
),
deals AS (
  SELECT
    o.owner_id,
    count(*) FILTER (WHERE o.stage = 'closed_won' AND COALESCE(o.closed_at, o.updated_at) >= b.period_start) AS won_deals,
    count(*) FILTER (WHERE o.stage = 'closed_lost' AND COALESCE(o.closed_at, o.updated_at) >= b.period_start) AS lost_deals,
    count(*) FILTER (WHERE o.stage NOT IN ('closed_won', 'closed_lost')) AS open_deals
  FROM opportunities_as_of AS o
  CROSS JOIN bounds AS b
  GROUP BY o.owner_id
),
activity_counts AS (
  SELECT
    a.owner_id,
    count(*) AS activities,
    count(*) FILTER (WHERE a.type = 'call') AS calls,
    count(*) FILTER (WHERE a.type IN ('meeting', 'visit')) AS meetings,
    count(DISTINCT a.customer_id) AS customers_contacted
  FROM activities_as_of AS a
  CROSS JOIN bounds AS b
  WHERE a.owner_id IS NOT NULL
    AND a.occurred_at >= b.period_start
  GROUP BY a.owner_id
),
book AS (
  SELECT owner_id, count(*) AS customers_owned
  FROM customers_as_of
  WHERE owner_id IS NOT NULL
  GROUP BY owner_id
),
owners AS (
  SELECT owner_id FROM deals
  UNION
  SELECT owner_id FROM activity_counts
  UNION
  SELECT owner_id FROM book
  UNION
  SELECT id AS owner_id FROM users_as_of WHERE role = 'rep'
)
SELECT
  w.owner_id,
  COALESCE(u.team, 'unassigned') AS team,
  u.role,
  COALESCE(d.won_deals, 0) AS won_deals,
  COALESCE(d.lost_deals, 0) AS lost_deals,
  CAST(d.won_deals AS DOUBLE) / NULLIF(d.won_deals + d.lost_deals, 0) AS win_rate,
  COALESCE(ac.activities, 0) AS activities,
  COALESCE(ac.calls, 0) AS calls,
  COALESCE(ac.meetings, 0) AS meetings,
  COALESCE(ac.customers_contacted, 0) AS customers_contacted,
  COALESCE(d.open_deals, 0) AS open_deals,
  COALESCE(bk.customers_owned, 0) AS customers_owned
FROM owners AS w
LEFT JOIN users_as_of AS u ON u.id = w.owner_id
LEFT JOIN deals AS d ON d.owner_id = w.owner_id
LEFT JOIN activity_counts AS ac ON ac.owner_id = w.owner_id
LEFT JOIN book AS bk ON bk.owner_id = w.owner_id
ORDER BY w.owner_id
