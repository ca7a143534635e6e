-- Planted defect: REVOKE ... TO (PostgreSQL wants FROM).
\c mosip_resident

REVOKE SELECT, INSERT ON resident.otp_transaction TO residentuser;
