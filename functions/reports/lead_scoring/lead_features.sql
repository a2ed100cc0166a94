-- One row per lead known by the as-of date, with what was known about it when it was decided: converted
-- leads at their conversion, disqualified ones at their last change, open ones (new, contacted,
-- qualified) at the end of the as-of day. Campaign touches and activities are counted before that
-- moment only, so nothing that follows the outcome predicts it. `converted` is 1 or 0 for decided
-- leads and NULL for open ones (they are scored, not learnt from).
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
),
decided AS (
  SELECT
    l.id AS lead_id,
    l.status,
    l.source,
    l.created_at,
    CASE WHEN l.campaign_id IS NULL THEN 0 ELSE 1 END AS has_campaign,
    CASE WHEN l.company_name IS NULL THEN 0 ELSE 1 END AS has_company,
    CASE WHEN l.phone_hash IS NULL THEN 0 ELSE 1 END AS has_phone,
    CASE WHEN l.email_hash IS NULL THEN 0 ELSE 1 END AS has_email,
    CASE
      WHEN l.status = 'converted' THEN least(coalesce(l.converted_at, l.updated_at), b.period_end)
      WHEN l.status = 'disqualified' THEN least(l.updated_at, b.period_end)
      ELSE b.period_end
    END AS decided_at,
    CASE WHEN l.status = 'converted' THEN 1 WHEN l.status = 'disqualified' THEN 0 END AS converted
  FROM leads_as_of AS l
  CROSS JOIN bounds AS b
),
touches AS (
  SELECT d.lead_id, count(t.id) AS campaign_touches
  FROM decided AS d
  JOIN campaign_touches_as_of AS t ON t.lead_id = d.lead_id AND t.touched_at < d.decided_at
  GROUP BY d.lead_id
),
acts AS (
  SELECT d.lead_id, count(a.id) AS activities
  FROM decided AS d
  JOIN activities_as_of AS a ON a.lead_id = d.lead_id AND a.occurred_at < d.decided_at
  GROUP BY d.lead_id
)
SELECT
  d.lead_id,
  d.status,
  d.source,
  CAST(d.created_at AS DATE) AS created_on,
  d.has_campaign,
  d.has_company,
  d.has_phone,
  d.has_email,
  CAST(coalesce(t.campaign_touches, 0) AS BIGINT) AS campaign_touches,
  CAST(coalesce(a.activities, 0) AS BIGINT) AS activities,
  CAST(greatest(date_diff('day', d.created_at, d.decided_at), 0) AS BIGINT) AS age_days,
  d.converted
FROM decided AS d
LEFT JOIN touches AS t ON t.lead_id = d.lead_id
LEFT JOIN acts AS a ON a.lead_id = d.lead_id
ORDER BY d.lead_id
