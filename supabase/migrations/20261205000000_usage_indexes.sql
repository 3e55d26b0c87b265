-- Indexes for the global daily image budget (logokraft_domain.limits.check_daily_budget),
-- which counts across all users on every request that creates work:
--
-- 1. image_usage(created_at): the images made within the window. The only index so far,
--    image_usage_user_created_idx (user_id, created_at), leads with the user, so the global
--    count (`where created_at > now() - window`, and the `order by created_at offset n` that
--    finds when images leave the window) read the whole ledger, which only ever grows.
-- 2. brand_projects(created_at) where not prompts_written: the candidates of projects whose
--    prompts are still being written, the budget's other half (and the prompt sweeper's
--    `where not prompts_written`). Few rows at any time: a small partial index instead of a
--    scan of every project ever made.
--
-- Safe on hosted Supabase (`supabase db push`, as `postgres`): plain CREATE INDEX IF NOT EXISTS
-- on tables the migrations' role owns, in the migration's transaction (CONCURRENTLY cannot run
-- in one). Indexes carry no privileges, so Supabase's default grants add nothing to revoke.

create index if not exists image_usage_created_idx
  on public.image_usage (created_at);

create index if not exists brand_projects_prompts_unwritten_created_idx
  on public.brand_projects (created_at) where not prompts_written;
