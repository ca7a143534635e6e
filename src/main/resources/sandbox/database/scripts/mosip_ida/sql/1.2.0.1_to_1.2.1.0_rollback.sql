\c mosip_ida sysadmin

DROP INDEX IF EXISTS idx_cred_evt_status;
ALTER TABLE batch_step_execution ALTER COLUMN start_time SET NOT NULL;
ALTER TABLE batch_step_execution DROP COLUMN create_time;
