-- Stored files follow their rows out: when a project or an asset is deleted (through the
-- API, the Data API, or by hand), the objects it named are queued here in the same
-- transaction, and the prompt service's collector (logokraft_domain.garbage) removes them
-- from storage and then the queue rows. So a deleted project's files do not outlive it, and
-- its signed URLs stop working (Supabase Storage answers 404 for a removed object) instead of
-- serving until they expire.
--
-- Queued: an asset's image (storage_bucket/storage_path) and its vector master
-- (metadata.svg_path, same bucket), and a project's inspiration images. A trigger, not the
-- deleting code, records them, so no way of deleting a row can leak its files.
--
-- Nobody but the owner and service sessions reads or writes the queue: RLS on with no
-- policy, and no privilege for the API roles (Supabase's default privileges grant ALL on new
-- tables and functions to anon, authenticated and service_role, so they are revoked here).

create table if not exists public.storage_garbage (
  id bigint generated always as identity primary key,
  bucket text not null check (char_length(bucket) between 1 and 100),
  path text not null check (char_length(path) between 1 and 1024),
  queued_at timestamptz not null default now()
);
create index if not exists storage_garbage_queued_at on public.storage_garbage (queued_at);
alter table public.storage_garbage enable row level security;
revoke all on public.storage_garbage from public, anon, authenticated, service_role;
revoke all on sequence public.storage_garbage_id_seq from public, anon, authenticated, service_role;

create or replace function public.logokraft_queue_asset_files()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.storage_path is not null then
    insert into public.storage_garbage (bucket, path)
    values (coalesce(old.storage_bucket, 'generated-assets'), old.storage_path);
  end if;
  if coalesce(old.metadata ->> 'svg_path', '') <> '' then
    insert into public.storage_garbage (bucket, path)
    values (coalesce(old.storage_bucket, 'generated-assets'), old.metadata ->> 'svg_path');
  end if;
  return old;
end
$$;

create or replace function public.logokraft_queue_project_files()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.storage_garbage (bucket, path)
  select 'inspiration-images', p from unnest(old.inspiration_paths) as p where p <> '';
  return old;
end
$$;

revoke all on function public.logokraft_queue_asset_files()
  from public, anon, authenticated, service_role;
revoke all on function public.logokraft_queue_project_files()
  from public, anon, authenticated, service_role;

drop trigger if exists generated_assets_queue_files on public.generated_assets;
create trigger generated_assets_queue_files after delete on public.generated_assets
  for each row execute function public.logokraft_queue_asset_files();

drop trigger if exists brand_projects_queue_files on public.brand_projects;
create trigger brand_projects_queue_files after delete on public.brand_projects
  for each row execute function public.logokraft_queue_project_files();
