#!/bin/bash
# Run once, by the Postgres image's entrypoint, on an empty data directory (the official
# postgres image and deploy/postgres both run /docker-entrypoint-initdb.d/*.sh). Creates
# LogoKraft's roles, least privilege:
#
#   logokraft_migrator   owns the database and the public schema; the migration job logs in
#                        as it (python -m logokraft_kit.migrate), so it owns every table. It
#                        may grant the API roles (with admin option) but creates no roles.
#   anon, authenticated, service_role, logokraft_service
#                        the NOLOGIN roles the schema expects (supabase/shim, the hardening
#                        migration); created here so the migrator needs no CREATEROLE.
#   logokraft_prompt, logokraft_imagegen, logokraft_refine
#                        one login per service: member of `authenticated` (every query runs
#                        under `set local role authenticated` and RLS) and of
#                        `logokraft_service` (the policies that let services write). NOINHERIT:
#                        they hold no table privilege of their own except what
#                        deploy/postgres/service-grants.sql gives their sweeper after the
#                        migrations (a read of the rows it sweeps), for which they bypass RLS.
#   logokraft_gateway    the gateway's login (Idempotency-Key): member of `authenticated`
#                        only, NOT of `logokraft_service` (it cannot append events or write
#                        projects); its expiry purge may delete old idempotency keys.
#
# Passwords come from the environment (LOGOKRAFT_*_DB_PASSWORD), never from this file.
set -euo pipefail
for v in LOGOKRAFT_MIGRATOR_DB_PASSWORD LOGOKRAFT_GATEWAY_DB_PASSWORD \
         LOGOKRAFT_PROMPT_DB_PASSWORD LOGOKRAFT_IMAGEGEN_DB_PASSWORD LOGOKRAFT_REFINE_DB_PASSWORD; do
  [ -n "${!v:-}" ] || { echo "init: $v is not set" >&2; exit 1; }
done
db="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "$db" -q \
  -v db="$db" \
  -v migrator_pw="$LOGOKRAFT_MIGRATOR_DB_PASSWORD" \
  -v gateway_pw="$LOGOKRAFT_GATEWAY_DB_PASSWORD" \
  -v prompt_pw="$LOGOKRAFT_PROMPT_DB_PASSWORD" \
  -v imagegen_pw="$LOGOKRAFT_IMAGEGEN_DB_PASSWORD" \
  -v refine_pw="$LOGOKRAFT_REFINE_DB_PASSWORD" <<'SQL'
create role anon nologin inherit;
create role authenticated nologin inherit;
create role service_role nologin inherit bypassrls;
create role logokraft_service nologin noinherit;

create role logokraft_migrator login password :'migrator_pw';
grant anon, authenticated, service_role, logokraft_service to logokraft_migrator with admin option;
alter database :"db" owner to logokraft_migrator;
alter schema public owner to logokraft_migrator;
revoke create on schema public from public;

create role logokraft_prompt login noinherit bypassrls password :'prompt_pw';
create role logokraft_imagegen login noinherit bypassrls password :'imagegen_pw';
create role logokraft_refine login noinherit bypassrls password :'refine_pw';
grant authenticated, logokraft_service to logokraft_prompt, logokraft_imagegen, logokraft_refine;

create role logokraft_gateway login noinherit bypassrls password :'gateway_pw';
grant authenticated to logokraft_gateway;

-- Nobody but the owner connects by default; each login is named.
revoke connect, temporary on database :"db" from public;
grant connect on database :"db" to logokraft_migrator, logokraft_gateway,
  logokraft_prompt, logokraft_imagegen, logokraft_refine;
SQL
echo "init: LogoKraft roles created"
