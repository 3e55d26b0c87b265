-- Abuse costs the attacker, not the service (issue 14): the database's part. Each point is
-- proven by tests/test_abuse_database.py (and tests/test_rls.py's matrix).
--
-- 1. idempotency_keys is written by the gateway's own session only (Database.as_service,
--    every statement naming the user explicitly). Through the Data API a user could insert
--    rows of any size, rewrite them, and set a `created_at` in the future that the expiry
--    purge never reaches. Now:
--    - `authenticated` (and `anon`) hold no write privilege and RLS has no write policy, so
--      neither a user's JWT nor Supabase's default grants let anyone but a service session
--      (the table's owner, a BYPASSRLS login such as hosted Supabase's `postgres` or the
--      deploy's `logokraft_gateway` with deploy/postgres/service-grants.sql) write a row;
--    - the owner may still read their own rows (their stored answers; harmless, and what the
--      old select policy allowed);
--    - sizes are bounded by CHECK constraints, for every writer: the key (1-255, already),
--      the endpoint (<= 1000, already), response_body <= 256 KiB, response_headers a JSON
--      array of <= 16 KiB;
--    - `created_at` is the server's clock: forced to now() on insert, and never moved into
--      the future by an update (moving it back only makes the purge come sooner).
-- 2. Storage buckets get a size limit and allowed MIME types, the same values as
--    logokraft_kit.storage.paths.BUCKET_LIMITS (libs/kit/tests/test_storage_limits.py checks
--    they agree).
-- 3. Supabase's default privileges grant ALL on new public tables and functions to anon,
--    authenticated and service_role; `revoke ... from public` does not remove those. Revoke
--    explicitly what no API role should have: writes to the usage ledger, the migration
--    ledger, and EXECUTE on the trigger functions.

-- 1. idempotency_keys ------------------------------------------------------------------------

drop policy if exists idempotency_keys_owner_insert on public.idempotency_keys;
drop policy if exists idempotency_keys_owner_update on public.idempotency_keys;
drop policy if exists idempotency_keys_owner_delete on public.idempotency_keys;
-- idempotency_keys_owner_select stays: the owner reads their own rows.

revoke all on public.idempotency_keys from anon, authenticated, service_role;
grant select on public.idempotency_keys to authenticated;

-- Keys are kept a day at most: rows that would break the new limits are dropped, not kept.
delete from public.idempotency_keys
where octet_length(response_body) > 262144
   or pg_column_size(response_headers) > 16384
   or (response_headers is not null and jsonb_typeof(response_headers) <> 'array')
   or created_at > now();

alter table public.idempotency_keys
  drop constraint if exists idempotency_keys_body_size,
  drop constraint if exists idempotency_keys_headers_size;
alter table public.idempotency_keys
  add constraint idempotency_keys_body_size
    check (response_body is null or octet_length(response_body) <= 262144),
  add constraint idempotency_keys_headers_size
    check (response_headers is null
           or (jsonb_typeof(response_headers) = 'array'
               and pg_column_size(response_headers) <= 16384));

create or replace function public.logokraft_idempotency_server_time()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.created_at := now();
    new.updated_at := now();
  else
    new.created_at := least(new.created_at, now());
    new.updated_at := least(new.updated_at, now());
  end if;
  return new;
end
$$;
revoke all on function public.logokraft_idempotency_server_time()
  from public, anon, authenticated, service_role;

drop trigger if exists idempotency_keys_server_time on public.idempotency_keys;
create trigger idempotency_keys_server_time
  before insert or update on public.idempotency_keys
  for each row execute function public.logokraft_idempotency_server_time();

-- 2. Storage buckets --------------------------------------------------------------------------

update storage.buckets
set file_size_limit = 20971520, allowed_mime_types = array['image/png']
where id = 'inspiration-images';
update storage.buckets
set file_size_limit = 52428800, allowed_mime_types = array['image/png', 'image/svg+xml']
where id = 'generated-assets';

-- 3. What no API role should hold ------------------------------------------------------------

-- The usage ledger: the owner reads their rows; only the trigger writes.
revoke all on public.image_usage from anon, service_role;
revoke insert, update, delete, truncate, references, trigger
  on public.image_usage from authenticated;
-- The migration ledger (absent on hosted Supabase, where `supabase db push` keeps its own).
do $$
begin
  if to_regclass('public.logokraft_schema_migrations') is not null then
    revoke all on public.logokraft_schema_migrations from anon, authenticated, service_role;
  end if;
end
$$;
-- The trigger functions (one of them SECURITY DEFINER): only their triggers call them.
revoke all on function public.logokraft_count_image_usage()
  from public, anon, authenticated, service_role;
revoke all on function public.touch_updated_at()
  from public, anon, authenticated, service_role;
