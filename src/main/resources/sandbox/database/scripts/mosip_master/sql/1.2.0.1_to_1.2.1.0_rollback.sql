-- Planted defect: MySQL syntax.
\c mosip_master

ALTER TABLE master.template MODIFY COLUMN name varchar(128);
