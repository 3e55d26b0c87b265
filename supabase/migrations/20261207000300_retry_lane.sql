-- A retried candidate's lane is kept on its row, so its place in line is the lane its job is
-- really in (logokraft_domain.queue_positions, jobs.DrawCandidate).
--
-- A retry queues its job on `images-first` while the project has no completed logo, else on
-- `images`, decided once, when it is published. The queue board used to decide it again at
-- every read: a retry queued first, whose project then got a logo (another candidate of it
-- finished), was shown behind every project's later candidates while its job was still
-- drawn among the first ones.
--
-- 1. `generated_assets.first_lane`: the lane a retry queued the candidate on (true:
--    `images-first`); null for a candidate never retried (its lane follows its position).
--    The retry writes it in the transaction that queues the asset; the sweeper queues a
--    stuck retry's job again on the same lane. Retries in flight now get the lane the board
--    showed them.
-- 2. The board's order is now a plain expression of the row, so an index serves it in that
--    order again (it replaces the one of 20261207000100_queue_places).

alter table public.generated_assets add column if not exists first_lane boolean;
comment on column public.generated_assets.first_lane is
  'A retried candidate''s lane (true: images-first, while its project had no completed logo '
  'when the retry was queued); null: never retried, its lane follows its position.';

update public.generated_assets a
set first_lane = not exists (
  select 1 from public.generated_assets c
  where c.project_id = a.project_id and c.status = 'completed'
)
where a.retried_at is not null and a.first_lane is null and a.parent_asset_id is null
  and a.status in ('queued', 'generating');

create index if not exists generated_assets_queue_order_of_lanes_idx
  on public.generated_assets (
    (coalesce(not first_lane, position > 0)), coalesce(retried_at, created_at), position, id
  )
  where status = 'queued' and parent_asset_id is null;
drop index if exists public.generated_assets_queue_order_of_retries_idx;
