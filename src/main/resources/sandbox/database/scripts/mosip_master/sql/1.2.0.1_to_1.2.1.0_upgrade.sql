\c mosip_master

ALTER TABLE master.template ALTER COLUMN name TYPE character varying(256);
