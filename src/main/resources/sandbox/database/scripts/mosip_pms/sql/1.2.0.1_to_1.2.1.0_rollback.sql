\c mosip_pms

ALTER TABLE pms.partner_policy RENAME COLUMN policy_label TO label;
DROP INDEX IF EXISTS pms.idx_partner_policy_part_id;
