\c mosip_otp

REVOKE ALL ON SCHEMA otp FROM otpuser;
DROP TABLE IF EXISTS otp.otp_transaction;
DROP ROLE IF EXISTS otpuser;
