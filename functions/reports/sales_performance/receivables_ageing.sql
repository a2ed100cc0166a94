-- Receivables overdue at the end of the as-of day, per customer owner, currency and ageing bucket (days
-- past the due date: 0-30, 31-60, 61-90, 90+): invoices and amount. An invoice is overdue when its due
-- date is before the as-of date and it was not paid by the end of that day (failed and refunded ones,
-- and credit notes, are not receivables).
WITH bounds AS (
  SELECT CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end
),
open_items AS (
  SELECT
    c.owner_id,
    p.currency,
    p.amount,
    date_diff('day', p.due_date, :as_of) AS days_overdue
  FROM payments_as_of AS p
  JOIN customers_as_of AS c ON c.id = p.customer_id
  CROSS JOIN bounds AS b
  WHERE c.owner_id IS NOT NULL
    AND p.due_date < :as_of
    AND (p.paid_at IS NULL OR p.paid_at >= b.period_end)
    AND p.status NOT IN ('failed', 'refunded')
    AND p.amount > 0
),
bucketed AS (
  SELECT
    owner_id,
    currency,
    amount,
    CASE WHEN days_overdue <= 30 THEN 1 WHEN days_overdue <= 60 THEN 2 WHEN days_overdue <= 90 THEN 3 ELSE 4 END AS bucket_order
  FROM open_items
)
SELECT
  bk.owner_id,
  COALESCE(u.team, 'unassigned') AS team,
  bk.currency,
  CASE bk.bucket_order WHEN 1 THEN '0-30 days' WHEN 2 THEN '31-60 days' WHEN 3 THEN '61-90 days' ELSE '90+ days' END AS ageing_bucket,
  count(*) AS invoices,
  CAST(sum(bk.amount) AS DECIMAL(18,2)) AS amount
FROM bucketed AS bk
LEFT JOIN users_as_of AS u ON u.id = bk.owner_id
GROUP BY bk.owner_id, u.team, bk.currency, bk.bucket_order
ORDER BY bk.owner_id, bk.currency, bk.bucket_order
