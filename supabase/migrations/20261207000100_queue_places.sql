-- Places in line (logokraft_domain.queue_positions), for retried candidates and variations.
--
-- 1. A retried candidate (20261207000000_candidate_retry) is queued again with the row it
--    had, its `created_at` from when it was first made, but its job joins the back of its
--    lane: candidates are ordered by `coalesce(retried_at, created_at)`, and this index
--    (replacing the one of 20261206000100_queue_order_by_position) keeps that read an index
--    scan in that order.
-- 2. Queued variations have places too, in their own line (the refine service's queue, first
--    come, first served; a refinement's variations queued together, by position): the
--    second index serves that read.
create index if not exists generated_assets_queue_order_of_retries_idx
  on public.generated_assets ((position > 0), coalesce(retried_at, created_at), position, id)
  where status = 'queued' and parent_asset_id is null;
drop index if exists public.generated_assets_queue_order_by_position_idx;

create index if not exists generated_assets_variation_queue_order_idx
  on public.generated_assets (created_at, position, id)
  where status = 'queued' and parent_asset_id is not null;
