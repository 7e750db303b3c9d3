{% import "schema/rls.sql" as rls %}

-- Members see who else belongs; admins and owners change roles and remove members (the trigger
-- above keeps owners above admins); anyone may remove themselves, which is how they leave.
-- Nobody inserts memberships: they come from creating {{ tenancy.singular | indefinite }} and accepting an invitation.
alter table {{ tenancy.members_table_sql }} enable row level security;

{% for p in members.policies %}
{{ rls.create_policy(p, tenancy.members_table_sql) }}
{% endfor %}
revoke all on table {{ tenancy.members_table_sql }} from public, anon, authenticated, service_role;
-- A membership's {{ tenancy.singular }} and user never change; only its role does.
{% for g in members.grants %}
{{ rls.grant(g, tenancy.members_table_sql) -}}
{% endfor %}
