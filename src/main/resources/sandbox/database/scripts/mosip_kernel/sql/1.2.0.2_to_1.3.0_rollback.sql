\c mosip_kernel

DROP INDEX CONCURRENTLY IF EXISTS kernel.idx_uin_lang_code;
ALTER TABLE kernel.uin DROP COLUMN IF EXISTS lang_code;
