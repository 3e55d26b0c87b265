-- Retrying a failed candidate (POST /api/v1/assets/{id}/retry, PromptService.RetryAsset):
-- the same asset row is drawn again, and the drawing costs one more image of the daily limit.
--
-- 1. `generated_assets.retried_at`: when the asset was last queued again by a retry. The
--    asset sweeper measures an asset's age from it (not from `created_at`), so a candidate
--    made hours ago and retried now is not failed as `timed_out` the moment it is queued.
-- 2. The usage ledger counts each retry: one `image_usage` row per drawing, keyed by the
--    asset and when it was asked for (it was one row per asset). Written by a trigger, as
--    the insert's row is, when a service session sets `retried_at`: nobody else writes the
--    ledger, and a user (whose Data API role cannot update assets) cannot reach it.
--
-- Safe on hosted Supabase (`supabase db push`, as `postgres`): the table and the functions
-- are the migrations' role's; the new function's EXECUTE is revoked from every API role,
-- as the other trigger functions' are (Supabase's default privileges grant it).

alter table public.generated_assets add column if not exists retried_at timestamptz;

alter table public.image_usage drop constraint if exists image_usage_pkey;
alter table public.image_usage add primary key (asset_id, created_at);

-- The insert trigger's conflict target was the old key; it now names none (any repeat of
-- the same row is still written once).
create or replace function public.logokraft_count_image_usage()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.image_usage (asset_id, user_id, created_at)
  values (new.id, new.user_id, new.created_at)
  on conflict do nothing;
  return new;
end
$$;
revoke all on function public.logokraft_count_image_usage()
  from public, anon, authenticated, service_role;

create or replace function public.logokraft_count_image_retry()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.image_usage (asset_id, user_id, created_at)
  values (new.id, new.user_id, new.retried_at)
  on conflict do nothing;
  return new;
end
$$;
revoke all on function public.logokraft_count_image_retry()
  from public, anon, authenticated, service_role;

drop trigger if exists generated_assets_count_retry on public.generated_assets;
create trigger generated_assets_count_retry after update of retried_at on public.generated_assets
  for each row when (new.retried_at is not null
                     and new.retried_at is distinct from old.retried_at)
  execute function public.logokraft_count_image_retry();
