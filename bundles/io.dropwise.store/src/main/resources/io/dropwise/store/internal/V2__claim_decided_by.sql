-- Dropwise schema 2: every claim records which rule types (and bundle versions) allowed it.
ALTER TABLE claims ADD COLUMN decided_by VARCHAR(2000) DEFAULT '' NOT NULL;
