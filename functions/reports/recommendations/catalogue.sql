-- The product catalogue as of the date: what a recommendation may name, whether it is still sold, and
-- whether it is durable (not recommended again to a customer who owns it).
SELECT
  p.sku,
  p.name,
  p.category,
  p.active,
  p.durable
FROM products_as_of AS p
ORDER BY p.sku, p.id
