-- Every stay of an opportunity in an open stage, from its versions in opportunities_history known by
-- the end of the as-of day: one row per spell (consecutive versions in one stage), with when it began
-- and ended, the next stage, the probability the rep entered on entering it, and how the deal stands at
-- the as-of date (won, lost or open). The open spell of a deal still open runs to the end of the as-of
-- day. Deals the lake learnt of only after the as-of date, or only in a closed state, have no spells.
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
),
versions AS (
  SELECT
    h.id,
    h.stage,
    h.probability,
    h.updated_at,
    lag(h.stage) OVER (PARTITION BY h.id ORDER BY h.updated_at, h.version) AS previous_stage
  FROM opportunities_history AS h
  CROSS JOIN bounds AS b
  WHERE h.updated_at < b.period_end
    AND h.op IS DISTINCT FROM 'remove'
),
entries AS (
  SELECT id, stage, probability, updated_at AS entered_at
  FROM versions
  WHERE previous_stage IS NULL OR previous_stage <> stage
),
spells AS (
  SELECT
    id,
    stage,
    probability,
    entered_at,
    lead(entered_at) OVER (PARTITION BY id ORDER BY entered_at) AS left_at,
    lead(stage) OVER (PARTITION BY id ORDER BY entered_at) AS next_stage,
    row_number() OVER (PARTITION BY id ORDER BY entered_at) AS spell
  FROM entries
)
SELECT
  s.id AS opportunity_id,
  s.spell,
  o.owner_id,
  o.currency,
  s.stage,
  s.next_stage,
  s.entered_at,
  s.left_at,
  round(CAST(date_diff('second', s.entered_at, COALESCE(s.left_at, b.period_end)) AS DOUBLE) / 86400, 4) AS days_in_stage,
  s.probability AS rep_probability,
  CASE o.stage WHEN 'closed_won' THEN 'won' WHEN 'closed_lost' THEN 'lost' ELSE 'open' END AS outcome,
  CASE WHEN o.stage IN ('closed_won', 'closed_lost') THEN COALESCE(o.closed_at, o.updated_at) END AS closed_at,
  o.created_at,
  o.amount,
  o.probability AS current_rep_probability,
  o.expected_close_date
FROM spells AS s
JOIN opportunities_as_of AS o ON o.id = s.id
CROSS JOIN bounds AS b
WHERE s.stage NOT IN ('closed_won', 'closed_lost')
ORDER BY s.id, s.spell
