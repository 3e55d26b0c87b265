-- Row Level Security hardening, each point found and proven by tests/test_rls.py.
--
-- Users reach these tables two ways: through the services, which act for them in a
-- transaction that sets `request.jwt.claims` and `set local role authenticated`
-- (logokraft_kit.db.Database.as_user), and, on hosted Supabase, directly through the Data API
-- (PostgREST) with their own JWT, as the same `authenticated` role. What RLS allows the owner
-- is therefore also what any user can do to their own rows with curl. The core schema let
-- that reach other users' data and the services' bookkeeping:
--
-- 1. project_events is the services' append-only log of a project's changes; the SSE stream
--    replays it. Users read their events; only a service session may append one (below);
--    nobody updates or deletes one (they go with their project: the foreign key's cascade
--    does not go through RLS). Before, an owner could forge, rewrite or delete the events
--    their stream replays.
-- 2. generated_assets stay within their owner's projects: an update could move an asset into
--    another user's project (occupying a candidate position the other user's prompt job then
--    fails to fill), and an insert or update could name another user's asset as its parent
--    (whose image the refine service would then read as the one to vary).
-- 3. Storage paths in rows name objects in the owner's own project folder, as the services
--    write them (`<user_id>/<project_id>/...`). The services read and sign those paths with
--    the storage service key, so a user who pointed a row at another user's object would have
--    been served that object (a signed image_url, or a refinement of another user's image,
--    or another user's inspiration image read into their prompts).
-- 4. anon gets no table privileges (hosted Supabase grants them by default; RLS denies anon
--    anyway, as the tests check with those default grants in place).
-- 5. The migration ledger (created by logokraft_kit.migrate, absent on hosted Supabase) gets
--    an explicit deny-all policy, so every public table has RLS on and at least one policy.
--
-- Service sessions: a session whose login role (session_user; `set role` does not change it)
-- is a member of `logokraft_service`. The role that applies migrations is made a member
-- below, so services connecting with it (as `make run` and the tests do) qualify; a service
-- connecting with another role needs `grant logokraft_service to <role>`. The Data API logs
-- in as `authenticator`, which is not a member, so a user's JWT alone cannot append events.
-- (A superuser session is a member of every role.)

do $$
begin
  if not exists (select from pg_roles where rolname = 'logokraft_service') then
    create role logokraft_service nologin noinherit;
  end if;
end
$$;

do $$
begin
  if not pg_has_role(current_user, 'logokraft_service', 'member') then
    execute format('grant logokraft_service to %I', current_user);
  end if;
end
$$;

-- 1. project_events: read by the owner, appended by services, never changed.

drop policy if exists project_events_owner_insert on public.project_events;
drop policy if exists project_events_service_insert on public.project_events;
create policy project_events_service_insert on public.project_events
  for insert to authenticated with check (
    (select pg_has_role(session_user, 'logokraft_service', 'member'))
    and (select auth.uid()) = user_id
    and exists (select 1 from public.brand_projects p
                where p.id = project_id and p.user_id = (select auth.uid()))
  );
drop policy if exists project_events_owner_delete on public.project_events;

-- 2. generated_assets: in the owner's project, with a parent of the owner's in that project.
-- The update policy now checks the project as the insert policy does. The parent is checked
-- by a foreign key on (parent, project, owner): a policy cannot look the parent up in the
-- table it guards (that recursion is an error), and the key holds for every writer.

drop policy if exists generated_assets_owner_update on public.generated_assets;
create policy generated_assets_owner_update on public.generated_assets
  for update to authenticated using ((select auth.uid()) = user_id)
  with check (
    (select auth.uid()) = user_id
    and exists (select 1 from public.brand_projects p
                where p.id = project_id and p.user_id = (select auth.uid()))
  );

alter table public.generated_assets
  drop constraint if exists generated_assets_id_project_user_key;
alter table public.generated_assets
  add constraint generated_assets_id_project_user_key unique (id, project_id, user_id);
alter table public.generated_assets
  drop constraint if exists generated_assets_parent_asset_id_fkey;
alter table public.generated_assets
  drop constraint if exists generated_assets_parent_in_same_project_fkey;
alter table public.generated_assets
  add constraint generated_assets_parent_in_same_project_fkey
  foreign key (parent_asset_id, project_id, user_id)
  references public.generated_assets (id, project_id, user_id)
  on delete set null (parent_asset_id);

-- 3. Storage paths inside the owner's project folder (constraints: they hold for every writer).

create or replace function public.logokraft_paths_in_folder(paths text[], folder text)
returns boolean
language sql immutable
set search_path = ''
as $$
  select coalesce(bool_and(starts_with(path, folder) and strpos(path, '..') = 0), true)
  from unnest(paths) as path
$$;

alter table public.brand_projects
  drop constraint if exists brand_projects_inspiration_in_project_folder;
alter table public.brand_projects
  add constraint brand_projects_inspiration_in_project_folder check (
    public.logokraft_paths_in_folder(inspiration_paths, user_id::text || '/' || id::text || '/')
  );

alter table public.generated_assets
  drop constraint if exists generated_assets_image_in_project_folder;
alter table public.generated_assets
  add constraint generated_assets_image_in_project_folder check (
    (storage_bucket is null and storage_path is null)
    or (storage_bucket = 'generated-assets'
        and public.logokraft_paths_in_folder(
          array[storage_path], user_id::text || '/' || project_id::text || '/'))
  );

-- 4. No table privileges for anon.

revoke all on public.brand_projects, public.generated_assets, public.project_events from anon;

-- 5. The ledger: no access through the API roles at all.

do $$
begin
  if to_regclass('public.logokraft_schema_migrations') is not null then
    alter table public.logokraft_schema_migrations enable row level security;
    revoke all on public.logokraft_schema_migrations from anon, authenticated;
    drop policy if exists logokraft_schema_migrations_no_api on public.logokraft_schema_migrations;
    create policy logokraft_schema_migrations_no_api on public.logokraft_schema_migrations
      as restrictive for all to anon, authenticated using (false) with check (false);
  end if;
end
$$;
