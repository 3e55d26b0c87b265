-- Brand projects, their generated assets and the per-project event log,
-- with Row Level Security scoped to auth.uid() on every table, and the two
-- storage buckets. Works unchanged on hosted Supabase (`supabase db push`) and
-- on plain Postgres after supabase/shim/ is applied.


do $$ begin
  create type public.project_status as enum ('pending', 'generating', 'completed', 'failed');
exception when duplicate_object then null; end $$;

do $$ begin
  create type public.asset_status as enum ('queued', 'generating', 'completed', 'failed');
exception when duplicate_object then null; end $$;

do $$ begin
  create type public.logo_type as enum ('wordmark', 'lettermark', 'combination', 'emblem', 'abstract');
exception when duplicate_object then null; end $$;

create table if not exists public.brand_projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid(),
  brand_name text not null check (char_length(brand_name) between 1 and 100),
  slogan text not null default '' check (char_length(slogan) <= 200),
  industry text not null default '' check (char_length(industry) <= 100),
  description text not null default '' check (char_length(description) <= 2000),
  style text[] not null default '{}',
  colors text[] not null default '{}',
  logo_type public.logo_type,
  num_candidates integer not null default 4 check (num_candidates between 1 and 8),
  inspiration_paths text[] not null default '{}',
  status public.project_status not null default 'pending',
  prompts_written boolean not null default false,
  error_code text,
  error_message text,
  event_sequence bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index if not exists brand_projects_user_created_idx
  on public.brand_projects (user_id, created_at desc, id desc);

create table if not exists public.generated_assets (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.brand_projects (id) on delete cascade,
  user_id uuid not null default auth.uid(),
  parent_asset_id uuid references public.generated_assets (id) on delete set null,
  position integer not null check (position >= 0),
  status public.asset_status not null default 'queued',
  prompt text not null default '',
  instruction text,
  spec jsonb,
  provider text,
  storage_bucket text,
  storage_path text,
  mime_type text,
  width integer,
  height integer,
  error_code text,
  error_message text,
  attempts integer not null default 0,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One candidate per position: a redelivered prompt job upserts instead of duplicating.
create unique index if not exists generated_assets_candidate_position_key
  on public.generated_assets (project_id, position) where parent_asset_id is null;
create index if not exists generated_assets_user_idx on public.generated_assets (user_id);
create index if not exists generated_assets_project_idx on public.generated_assets (project_id, created_at);
create index if not exists generated_assets_parent_idx on public.generated_assets (parent_asset_id);

-- Every change of a project, numbered per project: the SSE stream replays it
-- after Last-Event-ID, so a reconnecting client misses nothing.
create table if not exists public.project_events (
  project_id uuid not null references public.brand_projects (id) on delete cascade,
  sequence bigint not null,
  user_id uuid not null default auth.uid(),
  kind text not null check (kind in ('asset', 'project', 'done')),
  asset_id uuid,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  primary key (project_id, sequence)
);
create index if not exists project_events_user_idx on public.project_events (user_id);

create or replace function public.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

drop trigger if exists brand_projects_touch on public.brand_projects;
create trigger brand_projects_touch before update on public.brand_projects
  for each row execute function public.touch_updated_at();
drop trigger if exists generated_assets_touch on public.generated_assets;
create trigger generated_assets_touch before update on public.generated_assets
  for each row execute function public.touch_updated_at();

alter table public.brand_projects enable row level security;
alter table public.generated_assets enable row level security;
alter table public.project_events enable row level security;

grant usage on schema public to authenticated, service_role;
grant select, insert, update, delete on public.brand_projects, public.generated_assets,
  public.project_events to authenticated, service_role;

drop policy if exists brand_projects_owner_select on public.brand_projects;
create policy brand_projects_owner_select on public.brand_projects
  for select to authenticated using ((select auth.uid()) = user_id);
drop policy if exists brand_projects_owner_insert on public.brand_projects;
create policy brand_projects_owner_insert on public.brand_projects
  for insert to authenticated with check ((select auth.uid()) = user_id);
drop policy if exists brand_projects_owner_update on public.brand_projects;
create policy brand_projects_owner_update on public.brand_projects
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
drop policy if exists brand_projects_owner_delete on public.brand_projects;
create policy brand_projects_owner_delete on public.brand_projects
  for delete to authenticated using ((select auth.uid()) = user_id);

drop policy if exists generated_assets_owner_select on public.generated_assets;
create policy generated_assets_owner_select on public.generated_assets
  for select to authenticated using ((select auth.uid()) = user_id);
drop policy if exists generated_assets_owner_insert on public.generated_assets;
create policy generated_assets_owner_insert on public.generated_assets
  for insert to authenticated with check (
    (select auth.uid()) = user_id
    and exists (select 1 from public.brand_projects p
                where p.id = project_id and p.user_id = (select auth.uid()))
  );
drop policy if exists generated_assets_owner_update on public.generated_assets;
create policy generated_assets_owner_update on public.generated_assets
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
drop policy if exists generated_assets_owner_delete on public.generated_assets;
create policy generated_assets_owner_delete on public.generated_assets
  for delete to authenticated using ((select auth.uid()) = user_id);

drop policy if exists project_events_owner_select on public.project_events;
create policy project_events_owner_select on public.project_events
  for select to authenticated using ((select auth.uid()) = user_id);
drop policy if exists project_events_owner_insert on public.project_events;
create policy project_events_owner_insert on public.project_events
  for insert to authenticated with check (
    (select auth.uid()) = user_id
    and exists (select 1 from public.brand_projects p
                where p.id = project_id and p.user_id = (select auth.uid()))
  );
drop policy if exists project_events_owner_delete on public.project_events;
create policy project_events_owner_delete on public.project_events
  for delete to authenticated using ((select auth.uid()) = user_id);

insert into storage.buckets (id, name, public)
values ('inspiration-images', 'inspiration-images', false),
       ('generated-assets', 'generated-assets', false)
on conflict (id) do nothing;
