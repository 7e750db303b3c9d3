{# A table from src/schema/table.rs: its columns and named constraints, then its indexes. #}
{% macro create(table_sql, columns, constraints, indexes) %}
create table {{ table_sql }} (
{% for c in columns %}
  {{ c.name_sql }} {{ c.sql_type }}{% if c.not_null %} not null{% endif %}{% if c.default_sql is not none %} default {{ c.default_sql }}{% endif %},
{% endfor %}
{% for k in constraints %}
{% for line in k.comment %}
  -- {{ line }}
{% endfor %}
  constraint {{ k.name }} {{ k.definition }}{% if not loop.last %},{% endif %}

{% endfor %}
);
{% for i in indexes %}

-- {{ i.why }}
create index {{ i.name }} on {{ table_sql }} {{ i.columns }};
{% endfor %}
{% endmacro %}
