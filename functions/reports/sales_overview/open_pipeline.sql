-- Open opportunities at the end of the as-of day by stage and currency: their count, amount, the
-- amount weighted by each one's win probability, and how many are past their expected close date.
-- opportunities_as_of gives the stage, amount and probability each had then, not now.
WITH open_opportunities AS (
  SELECT
    o.stage,
    o.currency,
    o.amount,
    -- Exact decimal arithmetic (probability to 4 places): a sum of doubles can differ between runs. The
    -- double is rounded before the cast: a bare CAST(double AS DECIMAL) rounds differently on the engines.
    o.amount * CAST(round(o.probability, 4) AS DECIMAL(5,4)) AS weighted_amount,
    o.expected_close_date < :as_of AS overdue
  FROM opportunities_as_of AS o
  WHERE o.stage NOT IN ('closed_won', 'closed_lost')
)
SELECT
  stage,
  currency,
  count(*) AS opportunities,
  CAST(sum(amount) AS DECIMAL(18,2)) AS amount,
  CAST(sum(weighted_amount) AS DECIMAL(18,2)) AS weighted_amount,
  count(*) FILTER (WHERE overdue) AS overdue_opportunities
FROM open_opportunities
GROUP BY stage, currency
ORDER BY
  CASE stage WHEN 'prospecting' THEN 1 WHEN 'qualification' THEN 2 WHEN 'proposal' THEN 3 WHEN 'negotiation' THEN 4 ELSE 5 END,
  stage,
  currency
