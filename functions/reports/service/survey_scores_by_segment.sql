-- CSAT and NPS by month of response and the customer's segment (tier: bronze, silver, gold, platinum)
-- over the 12 months up to the as-of date; measures as in survey_scores_by_channel.
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -11, date_trunc('month', :as_of)) AS TIMESTAMP) AS period_start
),
responses AS (
  SELECT
    CAST(date_trunc('month', s.responded_at) AS DATE) AS month,
    COALESCE(c.tier, 'unknown') AS customer_tier,
    s.kind,
    s.score
  FROM survey_responses_as_of AS s
  LEFT JOIN customers_as_of AS c ON c.id = s.customer_id
  CROSS JOIN bounds AS b
  WHERE s.responded_at >= b.period_start
    AND s.responded_at < b.period_end
)
SELECT
  month,
  customer_tier,
  count(*) FILTER (WHERE kind = 'csat') AS csat_responses,
  round(avg(CAST(score AS DOUBLE)) FILTER (WHERE kind = 'csat'), 4) AS csat_average,
  CAST(count(*) FILTER (WHERE kind = 'csat' AND score >= 4) AS DOUBLE) / NULLIF(count(*) FILTER (WHERE kind = 'csat'), 0) AS csat_satisfied_rate,
  count(*) FILTER (WHERE kind = 'nps') AS nps_responses,
  count(*) FILTER (WHERE kind = 'nps' AND score >= 9) AS promoters,
  count(*) FILTER (WHERE kind = 'nps' AND score <= 6) AS detractors,
  100 * CAST(count(*) FILTER (WHERE kind = 'nps' AND score >= 9) - count(*) FILTER (WHERE kind = 'nps' AND score <= 6) AS DOUBLE) / NULLIF(count(*) FILTER (WHERE kind = 'nps'), 0) AS nps
FROM responses
GROUP BY month, customer_tier
ORDER BY month, customer_tier
