-- The 1.2.0.1 state of the fixture databases (run with psql as the superuser).
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
