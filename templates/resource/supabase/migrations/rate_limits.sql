
-- Rate limits of {{ table_sql }}, per signed-in user: {% for r in rate_limiting.rules %}{{ r.action }} {{ r.max_hits }} per {{ r.per }}{% if not loop.last %}, {% endif %}{% endfor %}.
-- Change one in place with `update {{ rate_limiting.limiter.rules_sql }} set max_hits = ..., period = ...`.
insert into {{ rate_limiting.limiter.rules_sql }} (action, max_hits, period) values
{% for r in rate_limiting.rules %}
  ({{ r.action_sql }}, {{ r.max_hits }}, {{ r.period_sql }}){% if loop.last %};{% else %},{% endif %}

{% endfor %}
{% for r in rate_limiting.rules if r.trigger %}

-- Every row a signed-in user {% if r.trigger.event == "insert" %}inserts{% elif r.trigger.event == "update" %}updates{% else %}deletes{% endif %} counts, whether through the generated action or the API.
create trigger {{ r.trigger.name }}
before {{ r.trigger.event }} on {{ table_sql }}
for each row execute function {{ rate_limiting.limiter.enforce_fn_sql }}({{ r.action_sql }});
{% endfor %}
