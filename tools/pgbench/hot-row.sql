-- One claim per transaction on a single stock row, as a server without group commit would write it:
-- lock the drop's row, look up the customer's claims, insert the claim, count it, commit (synchronous).
\set customer random(1, 2000000000)
BEGIN;
SELECT kind, stock, claimed, per_customer_limit, drawn_at, closes_at FROM drops WHERE id = 'd-hot' FOR UPDATE;
SELECT claim_id, unit_no FROM claims WHERE drop_id = 'd-hot' AND customer_id = 'c-' || :customer;
INSERT INTO claims (claim_id, drop_id, customer_id, tier, idem_key, unit_no, status, created_at, decided_by)
  VALUES (md5(random()::text || clock_timestamp()::text), 'd-hot', 'c-' || :customer || '-' || md5(random()::text), 'standard', 'k', 1, 'CLAIMED',
          (extract(epoch from clock_timestamp()) * 1000)::bigint, 'tier-window@io.dropwise.rules.builtin/0.1.0');
UPDATE drops SET claimed = claimed + 1 WHERE id = 'd-hot';
COMMIT;
