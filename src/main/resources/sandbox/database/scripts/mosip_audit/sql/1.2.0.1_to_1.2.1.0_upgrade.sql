\c mosip_audit

\ir include/event_type_index.sql
\COPY audit.event_type (code, name) FROM 'include/event_types.csv' WITH (FORMAT csv)
