-- Planted defect: drops the live table instead of its _bkp copy.
\c mosip_ida sysadmin

DROP TABLE IF EXISTS credential_event_store;
