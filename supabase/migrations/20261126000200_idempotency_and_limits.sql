-- Idempotency keys for the gateway's creating endpoints, and the indexes the per-user
-- limits count with.
--
-- idempotency_keys: one row per (user, Idempotency-Key), kept 24 h. The gateway claims a key
-- (state 'running', a fresh claim_id) before it calls a service, then either records the
-- answer (state 'done': status, headers and the exact body bytes, replayed as they were) or
-- deletes the row so a retry can run. `claim_id` makes finishing conditional on still owning
-- the claim: a request whose stale claim was taken over cannot overwrite the new owner's.
-- The gateway queries it under the caller's identity (Database.as_user); RLS gives each row
-- to its owner only. (Through the Data API an owner can touch only their own keys, which
-- changes nothing for anyone else: a stored answer is only ever replayed to its owner.)

create table if not exists public.idempotency_keys (
  user_id uuid not null default auth.uid(),
  key text not null check (char_length(key) between 1 and 255 and key ~ '^[ -~]+$'),
  endpoint text not null check (char_length(endpoint) <= 1000),
  request_hash text not null check (char_length(request_hash) = 64),
  state text not null default 'running' check (state in ('running', 'done')),
  claim_id uuid not null default gen_random_uuid(),
  status_code integer check (status_code between 100 and 599),
  response_headers jsonb,
  response_body bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (user_id, key),
  constraint idempotency_keys_done_has_answer
    check (state = 'running' or (status_code is not null and response_body is not null))
);

-- The sweep of expired keys across users.
create index if not exists idempotency_keys_created_idx on public.idempotency_keys (created_at);

alter table public.idempotency_keys enable row level security;

revoke all on public.idempotency_keys from anon;
grant select, insert, update, delete on public.idempotency_keys to authenticated, service_role;

drop policy if exists idempotency_keys_owner_select on public.idempotency_keys;
create policy idempotency_keys_owner_select on public.idempotency_keys
  for select to authenticated using ((select auth.uid()) = user_id);
drop policy if exists idempotency_keys_owner_insert on public.idempotency_keys;
create policy idempotency_keys_owner_insert on public.idempotency_keys
  for insert to authenticated with check ((select auth.uid()) = user_id);
drop policy if exists idempotency_keys_owner_update on public.idempotency_keys;
create policy idempotency_keys_owner_update on public.idempotency_keys
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
drop policy if exists idempotency_keys_owner_delete on public.idempotency_keys;
create policy idempotency_keys_owner_delete on public.idempotency_keys
  for delete to authenticated using ((select auth.uid()) = user_id);

-- Per-user limits: images made in the last 24 h, and projects still in flight.
create index if not exists generated_assets_user_created_idx
  on public.generated_assets (user_id, created_at);
create index if not exists brand_projects_user_in_flight_idx
  on public.brand_projects (user_id) where status in ('pending', 'generating');
