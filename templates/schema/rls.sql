{# Row level security, laid out the same way for every table: a policy or grant from
   src/schema/, and the table it applies to. #}
{% macro create_policy(p, table_sql) %}
{% for line in p.comment %}
-- {{ line }}
{% endfor %}
create policy {{ p.name_sql }}
on {{ table_sql }}
{% if p.restrictive %}
as restrictive
{% endif %}
for {{ p.command }}
to {{ p.roles }}
{% if p.using is not none %}
using ({{ p.using }}){% if p.with_check is none %};{% endif %}

{% endif %}
{% if p.with_check is not none %}
with check ({{ p.with_check }});
{% endif %}
{% endmacro %}
{% macro drop_policy(p, table_sql) %}
drop policy {{ p.name_sql }} on {{ table_sql }};
{% endmacro %}
{% macro grant(g, table_sql) %}
grant {{ g.privileges }} on table {{ table_sql }} to {{ g.role }};
{% endmacro %}
