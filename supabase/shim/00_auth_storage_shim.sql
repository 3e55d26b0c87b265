-- What hosted Supabase provides and plain Postgres does not, as Supabase defines it
-- (supabase/postgres migrations/db/init-scripts and migrations, supabase/auth migrations):
--
-- - the API roles anon, authenticated and service_role (BYPASSRLS), INHERIT as on Supabase
--   (20230529180330_alter_api_roles_for_inherit), and `authenticator`, the Data API's NOINHERIT
--   login, which reaches them only with SET ROLE;
-- - auth.jwt(), auth.uid(), auth.role() and auth.email(): NULL without claims, reading the
--   transaction-local `request.jwt.claims` (as PostgREST and Database.as_user set it) and the
--   older `request.jwt.claim.<name>` settings (which win when both are set);
-- - auth.users, storage.buckets and storage.objects (RLS on, no policy: nobody but a BYPASSRLS
--   role reaches an object until a migration adds policies);
-- - Supabase's default privileges: ALL on new tables, functions and sequences in schema public
--   to anon, authenticated and service_role, for the role that runs the migrations (Supabase's
--   `postgres`). Migrations must revoke explicitly what an API role must not hold.
--
-- Applied before supabase/migrations only off Supabase (embedded Postgres, tests, the compose
-- deploy), by logokraft_kit.migrate. Idempotent, and brings a database shimmed by an older
-- version of this file up to date. Role changes the applying role may not make (the deploy's
-- migrator has no CREATEROLE; deploy/postgres/initdb creates the roles) are skipped with a
-- notice: they do not change what the migrations grant or what RLS allows.

-- 1. Roles ------------------------------------------------------------------------------------

do $$
declare
  api_role text;
begin
  foreach api_role in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select from pg_roles where rolname = api_role) then
      execute format('create role %I nologin inherit', api_role);
    elsif not (select rolinherit from pg_roles where rolname = api_role) then
      begin
        execute format('alter role %I inherit', api_role);
      exception when insufficient_privilege then
        raise notice 'shim: role % stays NOINHERIT (% may not alter it)', api_role, current_user;
      end;
    end if;
  end loop;
  if not (select rolbypassrls from pg_roles where rolname = 'service_role') then
    begin
      alter role service_role bypassrls;
    exception when insufficient_privilege then
      raise notice 'shim: service_role lacks BYPASSRLS (% may not alter it)', current_user;
    end;
  end if;

  if not exists (select from pg_roles where rolname = 'authenticator') then
    begin
      create role authenticator login noinherit;
    exception when insufficient_privilege then
      raise notice 'shim: no authenticator role (% may not create roles)', current_user;
    end;
  elsif (select rolinherit from pg_roles where rolname = 'authenticator') then
    begin
      alter role authenticator noinherit;
    exception when insufficient_privilege then
      raise notice 'shim: authenticator stays INHERIT (% may not alter it)', current_user;
    end;
  end if;
  if exists (select from pg_roles where rolname = 'authenticator') then
    foreach api_role in array array['anon', 'authenticated', 'service_role'] loop
      if not exists (
        select from pg_auth_members m
        where m.roleid = api_role::regrole and m.member = 'authenticator'::regrole
      ) then
        begin
          execute format('grant %I to authenticator', api_role);
        exception when insufficient_privilege then
          raise notice 'shim: % may not grant % to authenticator', current_user, api_role;
        end;
      end if;
    end loop;
  end if;

  -- The role applying the schema must be able to become the API roles, as Supabase's
  -- `postgres` can (a superuser can without a grant).
  foreach api_role in array array['anon', 'authenticated', 'service_role'] loop
    if not pg_has_role(current_user, api_role, 'member') then
      execute format('grant %I to %I', api_role, current_user);
    end if;
  end loop;
end
$$;

-- 2. auth -------------------------------------------------------------------------------------

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  id uuid primary key,
  email text unique,
  created_at timestamptz not null default now()
);

create or replace function auth.jwt() returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

-- 3. storage ----------------------------------------------------------------------------------

create schema if not exists storage;
grant usage on schema storage to anon, authenticated, service_role;

create table if not exists storage.buckets (
  id text primary key,
  name text not null unique,
  public boolean not null default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  created_at timestamptz not null default now()
);

create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
alter table storage.objects enable row level security;
grant all on storage.objects to anon, authenticated, service_role;

-- The helpers storage policies use: `(storage.foldername(name))[1] = auth.uid()::text`.
create or replace function storage.foldername(name text) returns text[]
language sql immutable
set search_path = ''
as $$
  select (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1]
$$;

create or replace function storage.filename(name text) returns text
language sql immutable
set search_path = ''
as $$
  select (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)]
$$;

create or replace function storage.extension(name text) returns text
language sql immutable
set search_path = ''
as $$
  select reverse(split_part(reverse(storage.filename(name)), '.', 1))
$$;

-- 4. Supabase's grants on schema public -------------------------------------------------------

grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on sequences to anon, authenticated, service_role;
