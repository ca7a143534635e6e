\c mosip_kernel

\echo 'Rollback Queries not required for transition from $CURRENT_VERSION to $UPGRADE_VERSION'
