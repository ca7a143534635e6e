-- Planted defect: assumes a column that only some 1.2.0.1 installations have; the index before it stays.
\c mosip_pms

CREATE INDEX IF NOT EXISTS idx_partner_policy_part_id ON pms.partner_policy USING btree (part_id);
ALTER TABLE pms.partner_policy RENAME COLUMN label TO policy_label;
