-- Brand kits (issue 16): `GET /api/v1/assets/{id}/brand-kit` builds a completed asset's kit
-- zip once (the refine service) and caches it beside the asset's image, the image's name with
-- `.kit.zip` for its extension ("{user}/{project}/{asset}.png" -> "{user}/{project}/{asset}.kit.zip",
-- logokraft_kit.storage.paths.kit_path).
--
-- 1. The generated-assets bucket also takes application/zip (the same values as
--    logokraft_kit.storage.paths.BUCKET_LIMITS; libs/kit/tests/test_storage_limits.py checks
--    that the last migration setting a bucket's limits agrees with them).
-- 2. Deleting an asset (or its project) also queues its cached kit for the storage collector
--    (20261205000100_storage_garbage.sql). The kit is built on first download, so the trigger
--    queues its key whether or not it was ever built: removing an absent object is harmless.

-- 1. The bucket ------------------------------------------------------------------------------

update storage.buckets
set file_size_limit = 52428800, allowed_mime_types = array['image/png', 'image/svg+xml', 'application/zip']
where id = 'generated-assets';

-- 2. The garbage trigger ---------------------------------------------------------------------

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
  return old;
end
$$;

revoke all on function public.logokraft_queue_asset_files()
  from public, anon, authenticated, service_role;
