-- Open and overdue tasks per owner at the end of the as-of day, with the owner's team and role. Every
-- user known by then has a row (zero when they have no open task); tasks without an owner form one row
-- with an empty owner_id. A task is overdue when it is still open and was due before the day ended.
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
),
task_counts AS (
  SELECT
    t.owner_id,
    count(*) AS open_tasks,
    count(*) FILTER (WHERE t.due_at < b.period_end) AS overdue_tasks
  FROM tasks_as_of AS t
  CROSS JOIN bounds AS b
  WHERE t.status = 'open'
  GROUP BY t.owner_id
),
owners AS (
  SELECT id AS owner_id FROM users_as_of
  UNION
  SELECT owner_id FROM task_counts
)
SELECT
  o.owner_id,
  u.team,
  u.role,
  u.active,
  COALESCE(c.open_tasks, 0) AS open_tasks,
  COALESCE(c.overdue_tasks, 0) AS overdue_tasks
FROM owners AS o
LEFT JOIN users_as_of AS u ON u.id = o.owner_id
LEFT JOIN task_counts AS c ON c.owner_id IS NOT DISTINCT FROM o.owner_id
ORDER BY u.team NULLS LAST, o.owner_id NULLS LAST
