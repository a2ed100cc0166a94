-- Open and overdue tasks per team at the end of the as-of day, next to the team's active members and
-- the open tasks per active member. Tasks whose owner is unknown or unset form the row with an empty team.
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
),
open_tasks AS (
  SELECT u.team, t.due_at < b.period_end AS overdue
  FROM tasks_as_of AS t
  CROSS JOIN bounds AS b
  LEFT JOIN users_as_of AS u ON u.id = t.owner_id
  WHERE t.status = 'open'
),
teams AS (
  SELECT team, count(*) FILTER (WHERE active) AS active_members
  FROM users_as_of
  GROUP BY team
),
task_counts AS (
  SELECT team, count(*) AS open_tasks, count(*) FILTER (WHERE overdue) AS overdue_tasks
  FROM open_tasks
  GROUP BY team
)
SELECT
  COALESCE(m.team, c.team) AS team,
  COALESCE(m.active_members, 0) AS active_members,
  COALESCE(c.open_tasks, 0) AS open_tasks,
  COALESCE(c.overdue_tasks, 0) AS overdue_tasks,
  round(CAST(COALESCE(c.open_tasks, 0) AS DOUBLE) / NULLIF(m.active_members, 0), 2) AS open_tasks_per_member
FROM teams AS m
FULL OUTER JOIN task_counts AS c ON c.team = m.team
ORDER BY COALESCE(m.team, c.team) NULLS LAST
