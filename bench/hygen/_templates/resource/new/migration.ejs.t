---
to: supabase/migrations/<%= timestamp %>_create_<%= h.inflection.pluralize(name) %>.sql
---
create table public.<%= h.inflection.pluralize(name) %> (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  <%= field %> text not null,
  created_at timestamptz not null default now()
);

alter table public.<%= h.inflection.pluralize(name) %> enable row level security;

create policy "<%= h.inflection.pluralize(name) %> are readable by their owner"
  on public.<%= h.inflection.pluralize(name) %> for select to authenticated
  using (user_id = (select auth.uid()));
