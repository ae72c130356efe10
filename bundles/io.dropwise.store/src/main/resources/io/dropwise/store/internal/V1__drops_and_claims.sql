-- Dropwise schema 1: drops and claims. Portable SQL (H2 2.x and PostgreSQL 15); times are epoch
-- milliseconds. Statements are separated by lines holding only a semicolon-terminated statement.
CREATE TABLE drops (
  id VARCHAR(40) PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  reward VARCHAR(2000) NOT NULL,
  kind VARCHAR(10) NOT NULL,
  stock INTEGER,
  winners INTEGER,
  opens_at BIGINT NOT NULL,
  offset_employee BIGINT NOT NULL,
  offset_vip BIGINT NOT NULL,
  offset_standard BIGINT NOT NULL,
  closes_at BIGINT,
  per_customer_limit INTEGER NOT NULL,
  rules VARCHAR(20000) NOT NULL,
  on_rule_failure VARCHAR(10) NOT NULL,
  seed VARCHAR(64) NOT NULL,
  seed_hash VARCHAR(64) NOT NULL,
  claimed INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  drawn_at BIGINT,
  CONSTRAINT drops_no_oversell CHECK (stock IS NULL OR claimed <= stock)
);
CREATE TABLE claims (
  claim_id VARCHAR(40) PRIMARY KEY,
  drop_id VARCHAR(40) NOT NULL REFERENCES drops (id),
  customer_id VARCHAR(200) NOT NULL,
  tier VARCHAR(10) NOT NULL,
  idem_key VARCHAR(200) NOT NULL,
  unit_no INTEGER NOT NULL,
  status VARCHAR(10) NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT claims_one_per_key UNIQUE (drop_id, customer_id, idem_key),
  CONSTRAINT claims_unit_per_customer UNIQUE (drop_id, customer_id, unit_no)
);
CREATE INDEX claims_by_customer ON claims (customer_id);
