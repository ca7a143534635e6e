\c mosip_audit

DELETE FROM audit.event_type WHERE code IN ('LOGIN', 'LOGOUT', 'UIN_ISSUED');
DROP INDEX IF EXISTS audit.idx_adtlog_module;
