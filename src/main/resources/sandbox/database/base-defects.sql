-- The 1.2.0.1 state of the databases only the defects chain (upgrade-defects.csv) uses; after base.sql.
CREATE DATABASE mosip_master;
\c mosip_master
CREATE SCHEMA master;
CREATE TABLE master.template (id character varying(36) NOT NULL, name character varying(128) NOT NULL, lang_code character varying(3) NOT NULL,
  CONSTRAINT pk_tmplt_id PRIMARY KEY (id, lang_code));
INSERT INTO master.template SELECT 'tmpl-' || g, 'Template ' || g, 'eng' FROM generate_series(1, 30) g;
CREATE DATABASE mosip_pms;
\c mosip_pms
CREATE SCHEMA pms;
CREATE TABLE pms.partner_policy (policy_api_key character varying(36) NOT NULL, part_id character varying(36) NOT NULL,
  policy_id character varying(36) NOT NULL, CONSTRAINT pk_partpolicy PRIMARY KEY (policy_api_key));
INSERT INTO pms.partner_policy SELECT 'key-' || g, 'partner-' || (g % 5), 'policy-' || (g % 3) FROM generate_series(1, 15) g;
CREATE DATABASE mosip_resident;
\c mosip_resident
CREATE SCHEMA resident;
CREATE TABLE resident.otp_transaction (id character varying(36) NOT NULL, ref_id character varying(64) NOT NULL,
  CONSTRAINT pk_otpt_id PRIMARY KEY (id));
INSERT INTO resident.otp_transaction SELECT 'otp-' || g, 'ref-' || g FROM generate_series(1, 8) g;
