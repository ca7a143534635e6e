-- Spring Batch 5 tables and a partial index; unqualified names: relies on the database's search_path.
\c mosip_ida sysadmin

ALTER TABLE batch_step_execution ADD COLUMN create_time timestamp NOT NULL DEFAULT '1970-01-01 00:00:00';
ALTER TABLE batch_step_execution ALTER COLUMN start_time DROP NOT NULL;
CREATE INDEX IF NOT EXISTS idx_cred_evt_status ON credential_event_store (status_code, cr_dtimes) WHERE status_code <> 'STORED';
