-- Candidates written together are queued in one transaction (logokraft_prompt.core), so they
-- share `created_at` (now() is the transaction's start). imagegen draws them in position order
-- (their jobs are published so), and the place in line follows: within a `created_at`, by
-- position, then id. The index keeps the count a short index range scan in that order.
create index if not exists generated_assets_queue_order_by_position_idx
  on public.generated_assets ((position > 0), created_at, position, id)
  where status = 'queued' and parent_asset_id is null;
drop index if exists public.generated_assets_queue_order_idx;
