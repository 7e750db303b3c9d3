{% import "schema/audit.sql" as audit_sql %}
{{ audit_sql.create(audit, table_sql) -}}
