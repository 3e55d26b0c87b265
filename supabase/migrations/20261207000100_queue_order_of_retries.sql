-- A retried candidate (20261207000000_candidate_retry) is queued again with the row it had,
-- its `created_at` from when it was first made, but its job joins the back of its lane. Its
-- place in line (logokraft_domain.queue_positions) counts from when it was queued again:
-- `coalesce(retried_at, created_at)` orders the queue, and this index (which replaces the one
-- of 20261206000100_queue_order_by_position) keeps that read an index scan in that order.
create index if not exists generated_assets_queue_order_of_retries_idx
  on public.generated_assets ((position > 0), coalesce(retried_at, created_at), position, id)
  where status = 'queued' and parent_asset_id is null;
drop index if exists public.generated_assets_queue_order_by_position_idx;
