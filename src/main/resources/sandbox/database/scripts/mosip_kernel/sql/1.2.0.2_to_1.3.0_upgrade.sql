\c mosip_kernel

ALTER TABLE kernel.uin ADD COLUMN lang_code character varying(3) DEFAULT :'primary_language_code';
-- cannot run inside a transaction block
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_uin_lang_code ON kernel.uin USING btree (lang_code);
