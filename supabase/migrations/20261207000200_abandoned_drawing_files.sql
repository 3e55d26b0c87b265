-- The files of a drawing nothing will ever name are collected (logokraft_domain.garbage).
--
-- A worker stores a drawing's files (`{asset}.png/.svg` for an asset's first drawing,
-- `{asset}-{drawing}.png/.svg` for a retry's: logokraft_kit.storage.paths.asset_path) before
-- the transaction that names them on the asset. A worker that dies between the two leaves
-- files no row names; they were left for good when the drawing was then abandoned: the asset
-- retried (its next drawing stores under other keys) or deleted while not completed (the
-- delete trigger queued only the files the row named).
--
-- Every key a drawing can write follows from its asset and its `retried_at`, so they are
-- queued when the drawing is abandoned, without listing storage:
-- 1. `logokraft_drawing_path`: the key of an asset's drawing (the SQL twin of asset_path and
--    logokraft_domain.jobs.drawing_of: `retried_at` in whole microseconds since the epoch).
-- 2. A retry (retried_at changes) queues the drawing it leaves; deleting an unfinished asset
--    queues the drawing it is on, beside the files it names (queued at once, as before).
-- 3. Those rows are `after_grace`: a worker of that drawing may still be about to store them
--    (it started before the retry or the delete), so the collector takes them only once they
--    have been queued longer than any drawing may still run (its grace: the prompt service's
--    LOGOKRAFT_SWEEP_STUCK_AFTER_S, which is above the draw timeout plus the ack wait).
--    Removing an absent object is harmless, so a drawing that stored nothing costs a no-op.

alter table public.storage_garbage
  add column if not exists after_grace boolean not null default false;

create or replace function public.logokraft_drawing_path(
  asset public.generated_assets, retried_at timestamptz, ext text
)
returns text
language sql
immutable
set search_path = ''
as $$
  select asset.user_id::text || '/' || asset.project_id::text || '/' || asset.id::text
    || coalesce('-' || pg_catalog.floor(extract(epoch from retried_at) * 1000000)::bigint::text, '')
    || '.' || ext
$$;
revoke all on function public.logokraft_drawing_path(public.generated_assets, timestamptz, text)
  from public, anon, authenticated, service_role;

-- The files of `retried_at`'s drawing of the asset, but for those it names (queued at once).
create or replace function public.logokraft_queue_drawing_files(
  asset public.generated_assets, retried_at timestamptz
)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.storage_garbage (bucket, path, after_grace)
  select 'generated-assets', p, true
  from unnest(array[
    public.logokraft_drawing_path(asset, retried_at, 'png'),
    public.logokraft_drawing_path(asset, retried_at, 'svg')
  ]) as p
  where p is distinct from asset.storage_path
    and p is distinct from (asset.metadata ->> 'svg_path')
$$;
revoke all on function public.logokraft_queue_drawing_files(public.generated_assets, timestamptz)
  from public, anon, authenticated, service_role;

-- Deleting an asset: the files it names (20261205000500_brand_kits.sql), and its drawing's.
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
    -- the brand kit cached beside the image (built or not)
    insert into public.storage_garbage (bucket, path)
    values (
      coalesce(old.storage_bucket, 'generated-assets'),
      pg_catalog.regexp_replace(old.storage_path, '\.[^./]*$', '') || '.kit.zip'
    );
  end if;
  if coalesce(old.metadata ->> 'svg_path', '') <> '' then
    insert into public.storage_garbage (bucket, path)
    values (coalesce(old.storage_bucket, 'generated-assets'), old.metadata ->> 'svg_path');
  end if;
  if old.status <> 'completed' then  -- a completed asset names its drawing's files
    perform public.logokraft_queue_drawing_files(old, old.retried_at);
  end if;
  return old;
end
$$;
revoke all on function public.logokraft_queue_asset_files()
  from public, anon, authenticated, service_role;

-- A retry: the drawing the asset leaves.
create or replace function public.logokraft_queue_retried_drawing_files()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.logokraft_queue_drawing_files(old, old.retried_at);
  return new;
end
$$;
revoke all on function public.logokraft_queue_retried_drawing_files()
  from public, anon, authenticated, service_role;

drop trigger if exists generated_assets_queue_retried_drawing on public.generated_assets;
create trigger generated_assets_queue_retried_drawing
  after update of retried_at on public.generated_assets
  for each row when (new.retried_at is distinct from old.retried_at)
  execute function public.logokraft_queue_retried_drawing_files();
