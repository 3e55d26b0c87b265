-- Fair scheduling (issue 15): the project stream tells each queued candidate its approximate
-- place in line (`queue_position`, logokraft_domain.queue_positions). The place counts the
-- queued candidates of every user ahead of it in the order imagegen draws them: a project's
-- first candidate (position 0) before any later one, then by the time it was queued.
--
-- This partial index holds only the queued candidates (a few hundred in a burst, none when
-- idle), keyed in that order, so the count is a short index range scan however many assets
-- the table holds. Indexes carry no privileges: nothing is granted or revoked here.
create index if not exists generated_assets_queue_order_idx
  on public.generated_assets ((position > 0), created_at, id)
  where status = 'queued' and parent_asset_id is null;
