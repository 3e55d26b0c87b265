-- A project its owner cancels, and the assets it had not made yet, end `cancelled`
-- (POST /api/v1/projects/{id}/cancel, PromptService.CancelProject). Values are only added:
-- every existing row and client keeps its meaning.
alter type public.project_status add value if not exists 'cancelled';
alter type public.asset_status add value if not exists 'cancelled';
