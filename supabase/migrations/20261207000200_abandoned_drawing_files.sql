-- The files of a drawing nothing will ever name are collected (logokraft_domain.garbage).
--
-- A worker stores a drawing's files (`{asset}.png/.svg` for an asset's first drawing,
-- `{asset}-{drawing}.png/.svg` for a retry's: logokraft_kit.storage.paths.asset_path) before
-- the transaction that names them on the asset. A worker that dies between the two leaves
-- files no row names, and they were kept for good once the drawing ended without them: the
-- asset failed (its attempts used up, or timed out by the sweeper) or was cancelled, a retry
-- then drawing it under other keys, or it was deleted (the delete trigger queued only the
-- files the row named).
--
-- Every key a drawing can write follows from its asset and its `retried_at`, so they are
-- queued when the drawing is abandoned, without listing storage:
-- 1. `logokraft_drawing_path`: the key of an asset's drawing (the SQL twin of asset_path and
--    logokraft_domain.jobs.drawing_of: `retried_at` in whole microseconds since the epoch).
-- 2. An asset that ends failed or cancelled ends its drawing (a retry draws it again under
--    other keys), and deleting an asset still queued or generating ends it: either queues
--    the drawing's keys, but for those the row names (a delete queues those at once, as
--    before). Completing names them. The assets failed or cancelled before this migration
--    get theirs queued here, once.
-- 3. Those rows are `after_grace`: a worker of that drawing may still be about to store them
--    (it started before the failure, the cancel or the delete), so the collector takes them
--    only once they have been queued longer than any drawing may still run (its grace: the
--    prompt service's LOGOKRAFT_SWEEP_STUCK_AFTER_S, which is above the draw timeout plus
--    the ack wait). Removing an absent object is harmless, so a drawing that stored nothing
--    costs a no-op. The triggers add a row or two to the transaction that fails, cancels or
--    deletes (no round trip), and nothing to a drawing that completes.

alter table public.storage_garbage
  add column if not exists after_grace boolean not null default false;

create or replace function public.logokraft_drawing_path(
  asset public.generated_assets, retried_at timestamptz, ext text
)
returns text
language sql
stable  -- extract() of a timestamptz is stable, though its epoch never varies
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

-- Deleting an asset: the files it names (20261205000500_brand_kits.sql), and the drawing's
-- of one still queued or generating (a failed or cancelled one's were queued as it ended).
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
  if old.status in ('queued', 'generating') then
    perform public.logokraft_queue_drawing_files(old, old.retried_at);
  end if;
  return old;
end
$$;
revoke all on function public.logokraft_queue_asset_files()
  from public, anon, authenticated, service_role;

-- An asset failed or cancelled: the drawing it ends.
create or replace function public.logokraft_queue_ended_drawing_files()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.logokraft_queue_drawing_files(new, new.retried_at);
  return new;
end
$$;
revoke all on function public.logokraft_queue_ended_drawing_files()
  from public, anon, authenticated, service_role;

drop trigger if exists generated_assets_queue_ended_drawing on public.generated_assets;
create trigger generated_assets_queue_ended_drawing
  after update of status on public.generated_assets
  for each row when (new.status in ('failed', 'cancelled')
                     and old.status in ('queued', 'generating'))
  execute function public.logokraft_queue_ended_drawing_files();

select public.logokraft_queue_drawing_files(a, a.retried_at)
from public.generated_assets a
where a.status in ('failed', 'cancelled');
