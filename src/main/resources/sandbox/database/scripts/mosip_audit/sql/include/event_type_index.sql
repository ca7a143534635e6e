CREATE INDEX IF NOT EXISTS idx_adtlog_module ON audit.app_audit_log USING btree (module_id);
