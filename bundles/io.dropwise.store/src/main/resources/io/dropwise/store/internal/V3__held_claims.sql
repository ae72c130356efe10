-- Dropwise schema 3: held claims (a rule could not decide and the drop's policy is hold). A held
-- claim reserves its unit (drops.claimed counts it) until it is decided or its deadline passes.
ALTER TABLE claims ADD COLUMN held_until BIGINT;
CREATE INDEX claims_held ON claims (status, held_until);
