\c mosip_resident

GRANT SELECT, INSERT ON resident.otp_transaction TO residentuser;
