-- A brief's colours in the user's words (issue 16): the fields as written, a plain name for
-- each resolved colour, and the words with no colour meaning (kept for the prompt writer).
-- `colors` keeps the resolved "#rrggbb" list. The same size bounds as the API's.
alter table public.brand_projects
  add column if not exists color_words text[] not null default '{}',
  add column if not exists color_names text[] not null default '{}',
  add column if not exists color_notes text[] not null default '{}';
alter table public.brand_projects
  drop constraint if exists brand_projects_colour_words_size;
alter table public.brand_projects
  add constraint brand_projects_colour_words_size check (
    cardinality(color_words) <= 16 and cardinality(color_names) <= 16
    and cardinality(color_notes) <= 16
    and pg_column_size(color_words) + pg_column_size(color_names)
        + pg_column_size(color_notes) <= 16384
  );
