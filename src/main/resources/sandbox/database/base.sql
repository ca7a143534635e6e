-- The 1.2.0.1 state of the fixture databases (run with psql as the superuser).
-- Roles MOSIP's scripts connect as or grant to (global: Fixture.reset drops them).
CREATE ROLE sysadmin WITH LOGIN CREATEDB CREATEROLE;
CREATE ROLE idauser WITH LOGIN;
CREATE ROLE residentuser WITH LOGIN;
CREATE DATABASE mosip_kernel;
\c mosip_kernel
CREATE SCHEMA kernel;
CREATE TABLE kernel.uin (uin character varying(28) NOT NULL, uin_status character varying(16), cr_dtimes timestamp NOT NULL,
  CONSTRAINT pk_uin_id PRIMARY KEY (uin));
INSERT INTO kernel.uin SELECT lpad(g::text, 10, '0'), 'ISSUED', now() FROM generate_series(1, 200) g;
CREATE TABLE kernel.key_alias (id character varying(36) NOT NULL, app_id character varying(36) NOT NULL,
  CONSTRAINT pk_keymals_id PRIMARY KEY (id));
INSERT INTO kernel.key_alias SELECT 'alias-' || g, 'KERNEL' FROM generate_series(1, 20) g;
CREATE DATABASE mosip_otp;
\c mosip_otp
CREATE SCHEMA otp;
CREATE TABLE otp.otp_config (id character varying(36) NOT NULL, expiry_seconds integer NOT NULL, CONSTRAINT pk_otpcfg PRIMARY KEY (id));
INSERT INTO otp.otp_config VALUES ('default', 180);
CREATE DATABASE mosip_audit;
\c mosip_audit
CREATE SCHEMA audit;
CREATE TABLE audit.app_audit_log (log_id character varying(64) NOT NULL, log_dtimes timestamp NOT NULL, module_id character varying(64),
  CONSTRAINT pk_adtlog_id PRIMARY KEY (log_id));
INSERT INTO audit.app_audit_log SELECT 'log-' || g, now(), 'kernel' FROM generate_series(1, 50) g;
CREATE TABLE audit.event_type (code character varying(36) NOT NULL, name character varying(128) NOT NULL, CONSTRAINT pk_evttyp PRIMARY KEY (code));
-- Owned by sysadmin, with database-level settings, grants and comments; MOSIP's ida scripts use unqualified
-- names and rely on the database's search_path. The partial index prints differently after a dump/restore.
CREATE DATABASE mosip_ida OWNER sysadmin;
ALTER DATABASE mosip_ida SET search_path TO ida, pg_catalog, public;
COMMENT ON DATABASE mosip_ida IS 'ID Authentication';
REVOKE CONNECT ON DATABASE mosip_ida FROM PUBLIC;
GRANT CONNECT ON DATABASE mosip_ida TO idauser;
\c mosip_ida sysadmin
CREATE SCHEMA ida;
CREATE TABLE ida.batch_step_execution (step_execution_id bigint NOT NULL, step_name character varying(100) NOT NULL,
  start_time timestamp NOT NULL, CONSTRAINT pk_batch_step PRIMARY KEY (step_execution_id));
INSERT INTO ida.batch_step_execution SELECT g, 'credentialStoreStep', now() FROM generate_series(1, 5) g;
CREATE TABLE ida.credential_event_store (event_id character varying(36) NOT NULL, status_code character varying(36) NOT NULL,
  retry_count integer, cr_dtimes timestamp NOT NULL, CONSTRAINT pk_credevtstr PRIMARY KEY (event_id));
INSERT INTO ida.credential_event_store SELECT 'evt-' || g, CASE WHEN g % 3 = 0 THEN 'FAILED' ELSE 'NEW' END, g % 4, now()
  FROM generate_series(1, 12) g;
CREATE INDEX idx_cred_evt_pending ON ida.credential_event_store (retry_count, cr_dtimes) WHERE status_code IN ('NEW', 'FAILED');
COMMENT ON TABLE ida.credential_event_store IS 'Credential events waiting to be stored';
CREATE SEQUENCE ida.seq_auth_txn;
SELECT setval('ida.seq_auth_txn', 42);
GRANT USAGE ON SCHEMA ida TO idauser;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ida TO idauser;
