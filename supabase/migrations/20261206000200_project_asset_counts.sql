-- The counts of the project list (logokraft_domain.store.list_projects): for each project of a
-- page, its assets by kind and status. Under RLS the read is `project_id = p.id and user_id =
-- auth.uid()`; with only generated_assets_project_idx (project_id, created_at) and
-- generated_assets_user_idx (user_id), Postgres ANDs two bitmaps, and the second one is every
-- asset of the caller's, read again for each project of the page: a page cost that grew with
-- the user's history (EXPLAIN: 6,000 index rows per project for a user with 6,000 assets).
-- Keyed on both, with the counted columns included, each project is one short index range
-- (index-only once the visibility map is set), whatever else the user has.
--
-- Safe on hosted Supabase (`supabase db push`, as `postgres`): plain CREATE INDEX IF NOT EXISTS
-- on a table the migrations' role owns, in the migration's transaction. Indexes carry no
-- privileges, so Supabase's default grants add nothing to revoke.

create index if not exists generated_assets_project_user_counts_idx
  on public.generated_assets (project_id, user_id) include (status, parent_asset_id);
