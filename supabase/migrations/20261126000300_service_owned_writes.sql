-- Projects and assets are written by the services only; usage is counted in a ledger
-- nobody but the database writes. Each point is proven by tests/test_rls.py and
-- tests/test_limits.py.
--
-- What RLS lets the owner do is what any user can do to their own rows with curl through
-- the Data API (see 20261126000100_rls_hardening.sql). The services' bookkeeping lives in
-- these rows, and with owner writes allowed a user could have had work done for free:
--
-- 1. Insert a project (or set its `num_candidates` and clear `prompts_written`): the prompt
--    sweeper would queue prompt writing for it, and image jobs for every candidate, without
--    the per-user limits ever being checked (they are checked when a service creates work).
-- 2. Set a completed asset back to `queued`: the asset sweeper would draw it again.
-- 3. Delete assets, rewrite their `created_at`, or delete a whole project: the daily image
--    limit counted the assets created in the last 24 hours, so each of these gave the images
--    back.
-- 4. Set projects to `failed` to get past the limit on projects in flight.
--
-- So: inserts and updates of brand_projects and generated_assets need a service session
-- (as project_events' inserts already do); the owner keeps reading both and may delete their
-- own projects (their assets and events go along with them). Images are counted in
-- `image_usage`, one row per asset ever inserted, written by a trigger and never deleted
-- with the project, so a deleted image still counts for the rest of the day.

-- 1, 2, 4: writes by service sessions only (`logokraft_service` members, see the hardening).

drop policy if exists brand_projects_owner_insert on public.brand_projects;
drop policy if exists brand_projects_service_insert on public.brand_projects;
create policy brand_projects_service_insert on public.brand_projects
  for insert to authenticated with check (
    (select pg_has_role(session_user, 'logokraft_service', 'member'))
    and (select auth.uid()) = user_id
  );
drop policy if exists brand_projects_owner_update on public.brand_projects;
drop policy if exists brand_projects_service_update on public.brand_projects;
create policy brand_projects_service_update on public.brand_projects
  for update to authenticated
  using ((select pg_has_role(session_user, 'logokraft_service', 'member'))
         and (select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);

drop policy if exists generated_assets_owner_insert on public.generated_assets;
drop policy if exists generated_assets_service_insert on public.generated_assets;
create policy generated_assets_service_insert on public.generated_assets
  for insert to authenticated with check (
    (select pg_has_role(session_user, 'logokraft_service', 'member'))
    and (select auth.uid()) = user_id
    and exists (select 1 from public.brand_projects p
                where p.id = project_id and p.user_id = (select auth.uid()))
  );
drop policy if exists generated_assets_owner_update on public.generated_assets;
drop policy if exists generated_assets_service_update on public.generated_assets;
create policy generated_assets_service_update on public.generated_assets
  for update to authenticated
  using ((select pg_has_role(session_user, 'logokraft_service', 'member'))
         and (select auth.uid()) = user_id)
  with check (
    (select auth.uid()) = user_id
    and exists (select 1 from public.brand_projects p
                where p.id = project_id and p.user_id = (select auth.uid()))
  );
drop policy if exists generated_assets_owner_delete on public.generated_assets;
drop policy if exists generated_assets_service_delete on public.generated_assets;
create policy generated_assets_service_delete on public.generated_assets
  for delete to authenticated
  using ((select pg_has_role(session_user, 'logokraft_service', 'member'))
         and (select auth.uid()) = user_id);

-- 3: the usage ledger.

create table if not exists public.image_usage (
  asset_id uuid primary key,
  user_id uuid not null,
  created_at timestamptz not null
);
create index if not exists image_usage_user_created_idx
  on public.image_usage (user_id, created_at);

alter table public.image_usage enable row level security;
revoke all on public.image_usage from anon, authenticated;
grant select on public.image_usage to authenticated;
drop policy if exists image_usage_owner_select on public.image_usage;
create policy image_usage_owner_select on public.image_usage
  for select to authenticated using ((select auth.uid()) = user_id);
-- No insert, update or delete policy: only the trigger below (running as the table's
-- owner) writes rows.

create or replace function public.logokraft_count_image_usage()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.image_usage (asset_id, user_id, created_at)
  values (new.id, new.user_id, new.created_at)
  on conflict (asset_id) do nothing;
  return new;
end
$$;
revoke all on function public.logokraft_count_image_usage() from public;

drop trigger if exists generated_assets_count_usage on public.generated_assets;
create trigger generated_assets_count_usage after insert on public.generated_assets
  for each row execute function public.logokraft_count_image_usage();

-- Images made before this migration count too.
insert into public.image_usage (asset_id, user_id, created_at)
select id, user_id, created_at from public.generated_assets
on conflict (asset_id) do nothing;

-- The limit no longer reads generated_assets by creation time.
drop index if exists public.generated_assets_user_created_idx;
