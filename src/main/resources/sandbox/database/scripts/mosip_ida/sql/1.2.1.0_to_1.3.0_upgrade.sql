-- Keeps a copy of the table before changing it, as MOSIP's *_bkp tables do.
\c mosip_ida sysadmin

CREATE TABLE credential_event_store_bkp AS SELECT * FROM credential_event_store;
ALTER TABLE credential_event_store ADD COLUMN partner_id character varying(36);
