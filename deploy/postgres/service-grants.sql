-- Applied by the migration job (as logokraft_migrator, the tables' owner) after
-- supabase/migrations, on every deployment; idempotent. Everything a service does for a user
-- runs as `authenticated` under RLS (granted by the migrations); these are the only
-- privileges the service logins hold themselves: what their housekeeping reads across users
-- (`Database.as_service`: the sweepers, the gateway's Idempotency-Key purge).
grant usage on schema public to logokraft_gateway, logokraft_prompt, logokraft_imagegen, logokraft_refine;
-- prompt's sweeper: projects whose prompts are still unwritten.
grant select on public.brand_projects to logokraft_prompt;
-- imagegen's and refine's sweepers: candidates / variations that lost their job.
grant select on public.generated_assets to logokraft_imagegen, logokraft_refine;
-- the gateway: the Idempotency-Key store, which only service sessions write (claim, record,
-- release, and the purge of expired answers; supabase/migrations/20261126000500_abuse_limits.sql).
grant select, insert, update, delete on public.idempotency_keys to logokraft_gateway;
-- prompt's garbage collector: the stored files of deleted projects and assets, queued by
-- triggers (supabase/migrations/20261205000100_storage_garbage.sql).
grant select, delete on public.storage_garbage to logokraft_prompt;
-- prompt's and refine's check of the global daily budget (logokraft_domain.limits
-- .check_daily_budget) counts every user's images with the login's own role.
grant select on public.image_usage, public.generated_assets, public.brand_projects
  to logokraft_prompt, logokraft_refine;
-- prompt's CancelProject/DeleteProject give back the images a cancelled project never drew:
-- they delete those assets' rows of the usage ledger with the login's own role, in the
-- user's transaction (logokraft_domain.limits.give_back_images).
grant delete on public.image_usage to logokraft_prompt;
