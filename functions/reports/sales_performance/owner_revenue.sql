-- Per owner and currency over the 12 months up to the as-of date: revenue of the deals won, the open
-- pipeline (all of it, and what is expected to close within 90 days of the as-of date, overdue deals
-- included) and its coverage of a quarter's revenue at the last 12 months' pace (next-90-day pipeline /
-- (won revenue / 4)); payments collected from the owner's customers (paid in the window, refunded ones
-- left out, credit notes subtracted), how many were paid after their due date and by how many days on
-- average; and the receivables overdue at the as-of date (ageing in receivables_ageing).
WITH bounds AS (
  SELECT
    CAST(date_add('day', 1, :as_of) AS TIMESTAMP) AS period_end,
    CAST(date_add('month', -12, date_add('day', 1, :as_of)) AS TIMESTAMP) AS period_start
),
deals AS (
  SELECT
    o.owner_id,
    o.currency,
    COALESCE(sum(o.amount) FILTER (WHERE o.stage = 'closed_won' AND COALESCE(o.closed_at, o.updated_at) >= b.period_start), 0) AS won_revenue,
    count(*) FILTER (WHERE o.stage = 'closed_won' AND COALESCE(o.closed_at, o.updated_at) >= b.period_start) AS won_deals,
    COALESCE(sum(o.amount) FILTER (WHERE o.stage NOT IN ('closed_won', 'closed_lost')), 0) AS open_pipeline,
    COALESCE(sum(o.amount) FILTER (WHERE o.stage NOT IN ('closed_won', 'closed_lost') AND o.expected_close_date <= date_add('day', 90, :as_of)), 0) AS next_90_days_pipeline
  FROM opportunities_as_of AS o
  CROSS JOIN bounds AS b
  GROUP BY o.owner_id, o.currency
),
customer_payments AS (
  SELECT c.owner_id, p.currency, p.amount, p.paid_at, p.due_date, p.status
  FROM payments_as_of AS p
  JOIN customers_as_of AS c ON c.id = p.customer_id
  WHERE c.owner_id IS NOT NULL
),
collected AS (
  SELECT
    cp.owner_id,
    cp.currency,
    sum(cp.amount) AS payments_collected,
    count(*) FILTER (WHERE cp.amount > 0) AS invoices_paid,
    count(*) FILTER (WHERE cp.amount > 0 AND CAST(cp.paid_at AS DATE) > cp.due_date) AS invoices_paid_late,
    avg(CAST(date_diff('day', cp.due_date, CAST(cp.paid_at AS DATE)) AS DOUBLE)) FILTER (WHERE cp.amount > 0 AND CAST(cp.paid_at AS DATE) > cp.due_date) AS average_days_late
  FROM customer_payments AS cp
  CROSS JOIN bounds AS b
  WHERE cp.paid_at >= b.period_start
    AND cp.paid_at < b.period_end
    AND cp.status <> 'refunded'
  GROUP BY cp.owner_id, cp.currency
),
overdue AS (
  SELECT cp.owner_id, cp.currency, sum(cp.amount) AS overdue_receivables, count(*) AS overdue_invoices
  FROM customer_payments AS cp
  CROSS JOIN bounds AS b
  WHERE cp.due_date < :as_of
    AND (cp.paid_at IS NULL OR cp.paid_at >= b.period_end)
    AND cp.status NOT IN ('failed', 'refunded')
    AND cp.amount > 0
  GROUP BY cp.owner_id, cp.currency
),
keys AS (
  SELECT owner_id, currency FROM deals
  UNION
  SELECT owner_id, currency FROM collected
  UNION
  SELECT owner_id, currency FROM overdue
)
SELECT
  k.owner_id,
  COALESCE(u.team, 'unassigned') AS team,
  k.currency,
  CAST(COALESCE(d.won_revenue, 0) AS DECIMAL(18,2)) AS won_revenue,
  COALESCE(d.won_deals, 0) AS won_deals,
  -- Mean to the cent in exact integer cents, half away from zero as Trino's avg(DECIMAL) (DuckDB's
  -- avg(DECIMAL) and DECIMAL / BIGINT are DOUBLE; functions/reports/README.md "Money averages").
  CAST(sign(CAST(d.won_revenue * 100 AS BIGINT)) * ((2 * abs(CAST(d.won_revenue * 100 AS BIGINT)) + d.won_deals) / NULLIF(2 * d.won_deals, 0)) * 0.01 AS DECIMAL(18,2)) AS average_deal_size,
  CAST(COALESCE(d.open_pipeline, 0) AS DECIMAL(18,2)) AS open_pipeline,
  CAST(COALESCE(d.next_90_days_pipeline, 0) AS DECIMAL(18,2)) AS next_90_days_pipeline,
  CAST(d.next_90_days_pipeline AS DOUBLE) / NULLIF(CAST(d.won_revenue AS DOUBLE) / 4, 0) AS pipeline_coverage,
  CAST(COALESCE(c.payments_collected, 0) AS DECIMAL(18,2)) AS payments_collected,
  COALESCE(c.invoices_paid, 0) AS invoices_paid,
  COALESCE(c.invoices_paid_late, 0) AS invoices_paid_late,
  round(c.average_days_late, 2) AS average_days_late,
  CAST(COALESCE(o.overdue_receivables, 0) AS DECIMAL(18,2)) AS overdue_receivables,
  COALESCE(o.overdue_invoices, 0) AS overdue_invoices
FROM keys AS k
LEFT JOIN users_as_of AS u ON u.id = k.owner_id
LEFT JOIN deals AS d ON d.owner_id = k.owner_id AND d.currency = k.currency
LEFT JOIN collected AS c ON c.owner_id = k.owner_id AND c.currency = k.currency
LEFT JOIN overdue AS o ON o.owner_id = k.owner_id AND o.currency = k.currency
ORDER BY k.owner_id, k.currency
