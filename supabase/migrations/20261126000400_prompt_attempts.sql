-- Attempts at writing a project's prompts, counted on the project (as assets count theirs):
-- JetStream's delivery count also counts deliveries that only waited for a provider's circuit
-- breaker or for an outage to pass, which are not attempts.
alter table public.brand_projects
  add column if not exists prompt_attempts integer not null default 0 check (prompt_attempts >= 0);
