-- Dropwise schema 4: one index fewer to write per claim. The unique rule "one unit number per customer in a
-- drop" now leads with the customer, so its index also finds a customer's claims (what claims_by_customer was
-- for), and the batch's lookup of its customers' earlier claims uses it. Queries by drop keep the
-- (drop_id, customer_id, idem_key) index of claims_one_per_key.
-- A unique index rather than a unique constraint: H2 lets a new constraint take over an existing index on the
-- same columns whatever their order, which would keep the old (drop_id, customer_id, unit_no) order.
-- PostgreSQL has its own version of this file (V4__leaner_claim_indexes.postgresql.sql).
CREATE UNIQUE INDEX claims_customer_unit ON claims (customer_id, drop_id, unit_no);
ALTER TABLE claims DROP CONSTRAINT claims_unit_per_customer;
DROP INDEX claims_by_customer;
