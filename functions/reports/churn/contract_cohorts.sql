-- Contract customers by cohort (the year their first contract started), the number of contract terms
-- they have had (1 + their renewals, contracts.renewal_of) and whether they are still under contract at
-- the end of the as-of date; the shifted-beta-geometric model is fitted per cohort on these counts.
-- A customer under contract is censored (their current term's outcome is unknown); one whose last term
-- ended or was terminated churned after their last term. Draft contracts do not count.
WITH per_customer AS (
  SELECT
    c.customer_id,
    min(c.start_date) AS first_start,
    1 + count(c.renewal_of) AS terms,
    max(CASE WHEN c.status IN ('active', 'renewed') AND c.end_date >= :as_of THEN 1 ELSE 0 END) AS under_contract,
    max_by(c.currency, c.start_date) AS currency,
    max_by(c.value, c.start_date) AS current_value
  FROM contracts_as_of AS c
  WHERE c.status <> 'draft'
  GROUP BY c.customer_id
)
SELECT
  CAST(date_trunc('year', first_start) AS DATE) AS cohort,
  terms,
  CASE WHEN under_contract = 1 THEN 'active' ELSE 'churned' END AS outcome,
  currency,
  count(*) AS customers,
  CAST(sum(CASE WHEN under_contract = 1 THEN current_value ELSE 0 END) AS DECIMAL(18,2)) AS active_contract_value
FROM per_customer
GROUP BY CAST(date_trunc('year', first_start) AS DATE), terms, CASE WHEN under_contract = 1 THEN 'active' ELSE 'churned' END, currency
ORDER BY cohort, terms, outcome, currency
