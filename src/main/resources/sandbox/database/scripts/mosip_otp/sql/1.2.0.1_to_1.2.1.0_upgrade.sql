\c mosip_otp

CREATE TABLE otp.otp_transaction (id character varying(64) NOT NULL, ref_id character varying(64) NOT NULL,
  otp_hash character varying(512), cr_dtimes timestamp NOT NULL, CONSTRAINT pk_otptrn_id PRIMARY KEY (id));
SELECT 'CREATE ROLE otpuser WITH LOGIN PASSWORD ' || quote_literal(:'dbuserpwd') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'otpuser')\gexec
GRANT SELECT, INSERT, UPDATE, DELETE ON otp.otp_transaction TO otpuser;
GRANT USAGE ON SCHEMA otp TO otpuser;
