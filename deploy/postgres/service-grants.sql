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
-- the gateway: expired Idempotency-Key answers.
grant select, delete on public.idempotency_keys to logokraft_gateway;
