// LogoKraft API 1.0.0 — the TypeScript client.
// Generated from docs/openapi.json by `make ts-client` (python -m logokraft_dev.tsclient). Do not edit.
/* eslint-disable */

// ---- schemas ----

/** Why an asset or project failed. */
export interface AssetErrorPublic {
  code: string;
  message: string;
}

/** One generated image: a candidate or a refinement of another asset. */
export interface AssetPublic {
  id: string;
  project_id: string;
  parent_asset_id: string | null;
  status: "queued" | "generating" | "completed" | "failed" | "cancelled";
  position: number;
  prompt: string;
  instruction: string | null;
  /** Signed, expiring URL; set once completed. */
  image_url: string | null;
  width: number | null;
  height: number | null;
  provider: string | null;
  error: AssetErrorPublic | null;
  metadata: { [key: string]: unknown };
  created_at: string | null;
  updated_at: string | null;
  /** A queued asset's approximate place in line (1: drawn next), updated by the stream's `queue` events; null when not queued or not known. */
  queue_position?: number | null;
  /** Signed, expiring URL of the logo's SVG master (logos drawn by the local engine); null for AI-drawn rasters (their brand kit has a vectorised logo.svg) and until completed. */
  svg_url?: string | null;
  /** Signed, expiring URL of the image at most 384 px on a side, for grids and lists (`image_url` is full size: for opening and downloading); the same URL as `image_url` where the storage makes no smaller copies (Supabase Storage). Null until completed. */
  thumbnail_url?: string | null;
  /** Where to download the asset's brand kit zip (GET with the bearer token; `/api/v1/assets/{id}/brand-kit`); set once completed. */
  brand_kit_url?: string | null;
}

/** The brand brief as stored. */
export interface BriefPublic {
  brand_name: string;
  slogan: string;
  industry: string;
  description: string;
  style: string[];
  /** The colours understood from the colour fields, as "#rrggbb". */
  colors: string[];
  logo_type: "wordmark" | "lettermark" | "combination" | "emblem" | "abstract" | null;
  num_candidates: number;
  /** The colour fields as written ("navy and gold", "warm earth tones"). */
  color_words: string[];
  /** A plain name for each of colors, in the same order. */
  color_names: string[];
  /** Words of the colour fields with no colour meaning, kept for the designer. */
  color_notes: string[];
}

/** What went wrong, for programs (code) and for people (message). */
export interface ErrorBody {
  /** Stable snake_case reason, e.g. `invalid_brief`. */
  code: string;
  /** A sentence a person can act on. */
  message: string;
  /** Per-field or per-item detail. */
  details?: { [key: string]: unknown }[] | null;
  /** The request's id, as in its `X-Request-ID` header: quote it to support. */
  request_id?: string | null;
}

/** The one shape of every error answer. */
export interface ErrorResponse {
  error: ErrorBody;
}

/** Liveness or readiness of the gateway. */
export interface HealthPublic {
  status: "ok";
  services?: { [key: string]: string } | null;
}

/** One of the images a project was made from, as uploaded (re-encoded to PNG). */
export interface InspirationImagePublic {
  /** Signed, expiring URL of the stored PNG. */
  url: string;
  /** The same image at most 384 px on a side, signed and expiring like `url` (an asset's `thumbnail_url`): for showing it small. */
  thumbnail_url?: string | null;
}

/** An asset's history of edits. */
export interface LineagePublic {
  asset_id: string;
  /** From the original candidate (first) down to this asset (last). */
  lineage: AssetPublic[];
}

/**
 * How many of a project's logos were made: its candidates (what the brief asked for,
 * `brief.num_candidates`) by outcome, and the variations refined from them. Logos queued or
 * being drawn are in no outcome; `variations` counts every variation, whatever its status.
 */
export interface ProjectCountsPublic {
  /** Candidates drawn and stored. */
  candidates_completed: number;
  /** Candidates that failed. */
  candidates_failed: number;
  /** Candidates cancelled with the project before they were stored. */
  candidates_cancelled: number;
  /** Variations, in any status. */
  variations: number;
  /** Variations drawn and stored. */
  variations_completed: number;
  /** Variations that failed. */
  variations_failed: number;
}

/** The answer to a new project: where to follow its progress. */
export interface ProjectCreatedPublic {
  project_id: string;
  status: "pending" | "generating" | "completed" | "failed" | "cancelled";
  /** Absolute SSE URL carrying its own access token. */
  stream_url: string;
  project: ProjectPublic;
}

/** A project of the list: without its assets, with their counts. */
export interface ProjectListItemPublic {
  id: string;
  status: "pending" | "generating" | "completed" | "failed" | "cancelled";
  brief: BriefPublic;
  error: AssetErrorPublic | null;
  created_at: string | null;
  updated_at: string | null;
  counts: ProjectCountsPublic;
}

/** One page of the caller's projects, newest first. */
export interface ProjectListPublic {
  projects: ProjectListItemPublic[];
  next_cursor: string | null;
}

/** A brand project with its assets. */
export interface ProjectPublic {
  id: string;
  status: "pending" | "generating" | "completed" | "failed" | "cancelled";
  brief: BriefPublic;
  error: AssetErrorPublic | null;
  created_at: string | null;
  updated_at: string | null;
  assets: AssetPublic[];
  /** The inspiration images the project was created with, in upload order, each as a signed, expiring URL like an asset's `image_url` (read the project again for fresh ones); empty when it was created without any. An image that cannot be signed is left out. */
  inspiration_images?: InspirationImagePublic[];
}

/** The answer to a refinement: the queued variations and where to follow them. */
export interface RefineAcceptedPublic {
  /** The refined (parent) asset. */
  asset_id: string;
  project_id: string;
  /** The new assets, `queued`. */
  variations: AssetPublic[];
  /** The project's SSE URL, carrying its own access token. */
  stream_url: string;
}

/** What to change about an asset, and how many variations to make. */
export interface RefineRequestPublic {
  /** What to change, e.g. `make it navy and drop the tagline`. */
  instruction: string;
  /** How many variations to make: a JSON integer (`2`; `2.0`, `true` and `"2"` are refused with a 422, stricter than JSON Schema's `integer`). */
  num_variations?: number;
}

/** The answer to a retry: the failed candidate, queued again, and where to follow it. */
export interface RetryAcceptedPublic {
  /** The retried candidate (the same asset, drawn again). */
  asset_id: string;
  project_id: string;
  /** The candidate as it is now: `queued`, no error. */
  asset: AssetPublic;
  /** The project's SSE URL, carrying its own access token. */
  stream_url: string;
}

/** What the caller has used of their limits (a limit of 0 means unlimited). */
export interface UsagePublic {
  /** Images made (or being made) for the caller in the rolling window: candidates and variations, those of deleted projects included; images of a cancelled project that were never drawn are not counted. */
  images_used: number;
  /** Images allowed in the window; 0 means unlimited. */
  images_limit: number;
  /** The caller's projects pending or generating. */
  projects_in_flight: number;
  /** Projects that may be in flight at once; 0 means unlimited. */
  projects_in_flight_limit: number;
  /** The length of the rolling window (a day). */
  window_seconds: number;
  /** When the oldest counted image leaves the window, so more are available; null when nothing is counted. */
  resets_at: string | null;
}

/** `asset`: one asset as it is now (queued, generating, completed or failed). */
export interface AssetEventPublic {
  /** One generated image: a candidate or a refinement of another asset. */
  asset: AssetPublic;
}

/** `done`, last: nothing of the project is in flight; the stream ends. */
export interface DoneEventPublic {
  status: "pending" | "generating" | "completed" | "failed" | "cancelled";
  completed_assets: number;
  failed_assets: number;
  /** True when the project was deleted while the stream was open: it was cancelled first (`status` is `cancelled`), and it, its logos and their files are gone (GET answers 404). The counts are the cancel's, or, when the gateway found the project gone before the cancel's `done` reached it, those this stream had reported (this `done` then has no id). */
  deleted?: boolean;
}

/** `project`: the project (without assets) after its status changed. */
export interface ProjectEventPublic {
  /** A brand project without its assets (`project` stream events; the list adds counts). */
  project: ProjectSummaryPublic;
}

/** `queue`: the project's queued assets have new places in line (no id: not recorded). */
export interface QueueEventPublic {
  positions: QueuePositionPublic[];
}

/** `snapshot`, first: the project with its assets as the stream starts. */
export interface SnapshotEventPublic {
  /** A brand project with its assets. */
  project: ProjectPublic;
}

/** A brand project without its assets (`project` stream events; the list adds counts). */
export interface ProjectSummaryPublic {
  id: string;
  status: "pending" | "generating" | "completed" | "failed" | "cancelled";
  /** The brand brief as stored. */
  brief: BriefPublic;
  error: AssetErrorPublic | null;
  created_at: string | null;
  updated_at: string | null;
}

/** One queued asset's place in line. */
export interface QueuePositionPublic {
  asset_id: string;
  /** 1: drawn next. */
  queue_position: number;
}

// ---- operations' parameters and events ----

export interface ListProjectsOptions extends RequestOptions {
  /** `limit` (query parameter). */
  limit?: number;
  /** `cursor` (query parameter). */
  cursor?: string | null;
}

export interface CreateProjectForm {
  brand_name: string;
  slogan?: string;
  industry?: string;
  description?: string;
  style?: string[];
  colors?: string[];
  logo_type?: "wordmark" | "lettermark" | "combination" | "emblem" | "abstract";
  /** How many candidates to make, as decimal digits (`4`; `4.0`, `+4` and `4_0` are refused with a 422). */
  num_candidates?: number;
  /** PNG, JPEG or WEBP; ≤10 MB and ≤16 megapixels each. Stored as PNG without metadata, scaled down to at most 2048 px on the longer side. */
  inspiration_images?: Blob[];
}

export interface CreateProjectOptions extends RequestOptions {
  /** `Idempotency-Key` (header). Makes retrying safe: a request repeated with the same key (and the same request) gets the first one's answer, replayed with `Idempotent-Replayed: true`, instead of doing the work twice. 1-255 printable ASCII characters, unique per request (a UUID is a good key); kept for 24 hours per user. The same key with a different request is 422; a retry while the first is still running is 409. Failures the server caused (5xx) and 429 release the key, so the retry runs again. */
  idempotencyKey?: string | null;
}

export interface StreamProjectOptions extends RequestOptions {
  /** `access_token` (query parameter). Stream token or access token. */
  accessToken?: string | null;
  /** `Last-Event-ID` (header). */
  lastEventId?: string | null;
}

/** One event of `streamProject`'s stream, as `readEvents` parses it. */
export type StreamProjectEvent =
  | { event: "snapshot"; id?: string; data: SnapshotEventPublic }
  | { event: "asset"; id?: string; data: AssetEventPublic }
  | { event: "project"; id?: string; data: ProjectEventPublic }
  | { event: "queue"; id?: string; data: QueueEventPublic }
  | { event: "done"; id?: string; data: DoneEventPublic };

export interface RefineAssetOptions extends RequestOptions {
  /** `Idempotency-Key` (header). Makes retrying safe: a request repeated with the same key (and the same request) gets the first one's answer, replayed with `Idempotent-Replayed: true`, instead of doing the work twice. 1-255 printable ASCII characters, unique per request (a UUID is a good key); kept for 24 hours per user. The same key with a different request is 422; a retry while the first is still running is 409. Failures the server caused (5xx) and 429 release the key, so the retry runs again. */
  idempotencyKey?: string | null;
}

export interface RetryAssetOptions extends RequestOptions {
  /** `Idempotency-Key` (header). Makes retrying safe: a request repeated with the same key (and the same request) gets the first one's answer, replayed with `Idempotent-Replayed: true`, instead of doing the work twice. 1-255 printable ASCII characters, unique per request (a UUID is a good key); kept for 24 hours per user. The same key with a different request is 422; a retry while the first is still running is 409. Failures the server caused (5xx) and 429 release the key, so the retry runs again. */
  idempotencyKey?: string | null;
}

export interface GetFileOptions extends RequestOptions {
  /** `expires` (query parameter). */
  expires?: string;
  /** `signature` (query parameter). */
  signature?: string;
  /** `size` (query parameter). Pixels on a side: a copy of the image no larger than this (an asset's `thumbnail_url` asks for one); only 384. The image itself when it is that small already. */
  size?: string;
}

// ---- the client ----

/** Every request's options: an AbortSignal to cancel it. */
export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** The gateway's URL, e.g. `http://127.0.0.1:8000` (no trailing `/api/v1`). */
  baseUrl: string;
  /** The bearer token (a Supabase access token), or a function giving the current one. */
  token?: string | null | (() => string | null | undefined | Promise<string | null | undefined>);
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** A non-2xx answer: its status, the API's error body when it sent one, and Retry-After. */
export class LogoKraftError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly body: ErrorResponse | null;
  /** Seconds to wait before trying again (429, 503), when the answer said. */
  readonly retryAfter: number | null;
  readonly response: Response;

  constructor(response: Response, body: ErrorResponse | null) {
    super(body?.error?.message ?? `HTTP ${response.status}`);
    this.name = "LogoKraftError";
    this.status = response.status;
    this.code = body?.error?.code ?? null;
    this.body = body;
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    this.retryAfter = Number.isNaN(retryAfter) ? null : retryAfter;
    this.response = response;
  }
}

type Scalar = string | number | boolean | null | undefined;

interface Call {
  method: string;
  path: string;
  answer: "json" | "stream" | "binary" | "empty";
  query?: Record<string, Scalar>;
  headers?: Record<string, Scalar>;
  json?: unknown;
  form?: object;
  signal?: AbortSignal;
}

function formData(fields: object): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (item instanceof Blob) form.append(name, item, (item as File).name || name);
      else form.append(name, String(item));
    }
  }
  return form;
}

/** The LogoKraft API, one method per operation (named by its operationId). */
export class LogoKraftClient {
  readonly baseUrl: string;
  private readonly token: ClientOptions["token"];
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.token = options.token;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  private async request<T>(call: Call): Promise<T> {
    const url = new URL(this.baseUrl + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      if (value !== undefined && value !== null) headers.set(name, String(value));
    }
    const token = typeof this.token === "function" ? await this.token() : this.token;
    if (token) headers.set("Authorization", `Bearer ${token}`);
    let body: BodyInit | undefined;
    if (call.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(call.json);
    } else if (call.form !== undefined) {
      body = formData(call.form);
    }
    if (call.answer === "json") headers.set("Accept", "application/json");
    if (call.answer === "stream") headers.set("Accept", "text/event-stream");
    const response = await this.fetchImpl(url, {
      method: call.method,
      headers,
      body,
      signal: call.signal,
    });
    if (!response.ok) {
      let error: ErrorResponse | null = null;
      try {
        error = (await response.json()) as ErrorResponse;
      } catch {
        error = null;
      }
      throw new LogoKraftError(response, error);
    }
    switch (call.answer) {
      case "json":
        return (await response.json()) as T;
      case "stream":
        return response as T;
      case "binary":
        return (await response.blob()) as T;
      default:
        return undefined as T;
    }
  }

  /**
   * List the caller's projects, newest first
   *
   * One page of projects without their assets; pass next_cursor back for the next page.
   *
   * `GET /api/v1/projects`
   */
  listProjects(options: ListProjectsOptions = {}): Promise<ProjectListPublic> {
    return this.request<ProjectListPublic>({
      method: "GET",
      path: `/api/v1/projects`,
      answer: "json",
      query: { "limit": options.limit, "cursor": options.cursor },
      signal: options.signal,
    });
  }

  /**
   * Create a brand project from a brief and inspiration images
   *
   * Validate the brief, store the images, and queue the project; answers before any prompt.
   *
   * Guest (anonymous) users are refused (403) unless the server allows them; too many
   * creations in a short time are refused (429, with Retry-After).
   * With an `Idempotency-Key`, a repeat of the same request returns the first answer.
   *
   * `POST /api/v1/projects`
   */
  createProject(body: CreateProjectForm, options: CreateProjectOptions = {}): Promise<ProjectCreatedPublic> {
    return this.request<ProjectCreatedPublic>({
      method: "POST",
      path: `/api/v1/projects`,
      answer: "json",
      headers: { "Idempotency-Key": options.idempotencyKey },
      form: body,
      signal: options.signal,
    });
  }

  /**
   * Read one project with its assets
   *
   * The project with its assets; completed assets carry a signed, expiring image_url.
   *
   * `GET /api/v1/projects/{project_id}`
   */
  getProject(projectId: string, options: RequestOptions = {}): Promise<ProjectPublic> {
    return this.request<ProjectPublic>({
      method: "GET",
      path: `/api/v1/projects/${encodeURIComponent(projectId)}`,
      answer: "json",
      signal: options.signal,
    });
  }

  /**
   * Delete a project with its logos and images
   *
   * Cancel the project if it is still in progress, then delete it, its logos (variations
   * included) and its stored images; their signed URLs stop working. A second delete is 404.
   *
   * `DELETE /api/v1/projects/{project_id}`
   */
  deleteProject(projectId: string, options: RequestOptions = {}): Promise<void> {
    return this.request<void>({
      method: "DELETE",
      path: `/api/v1/projects/${encodeURIComponent(projectId)}`,
      answer: "empty",
      signal: options.signal,
    });
  }

  /**
   * Follow a project's progress as Server-Sent Events
   *
   * Send a snapshot, then every change, then `done`; resumes after Last-Event-ID.
   *
   * A user may hold a limited number of streams open at once (429 `too_many_streams`).
   *
   * `GET /api/v1/projects/{project_id}/stream`
   */
  streamProject(projectId: string, options: StreamProjectOptions = {}): Promise<Response> {
    return this.request<Response>({
      method: "GET",
      path: `/api/v1/projects/${encodeURIComponent(projectId)}/stream`,
      answer: "stream",
      query: { "access_token": options.accessToken },
      headers: { "Last-Event-ID": options.lastEventId },
      signal: options.signal,
    });
  }

  /**
   * Cancel a project: stop making its logos
   *
   * Stop the project: queued logos are cancelled at once, logos being drawn are abandoned
   * where the provider allows, and images not drawn are given back to the daily limit. The
   * project's stream ends with `done` (status `cancelled`); logos already completed stay, and
   * can still be refined (which makes the project active again).
   *
   * A repeat answers the cancelled project again; a project that already finished
   * (completed or failed) is refused with 409.
   *
   * `POST /api/v1/projects/{project_id}/cancel`
   */
  cancelProject(projectId: string, options: RequestOptions = {}): Promise<ProjectPublic> {
    return this.request<ProjectPublic>({
      method: "POST",
      path: `/api/v1/projects/${encodeURIComponent(projectId)}/cancel`,
      answer: "json",
      signal: options.signal,
    });
  }

  /**
   * Make variations of a completed asset from an instruction
   *
   * Queue the variations and answer at once; follow them on the project's stream.
   *
   * Each variation is a new asset with `parent_asset_id` set to this asset. A project
   * that was done becomes active again until they finish. With an `Idempotency-Key`,
   * a repeat of the same request returns the first answer instead of more variations.
   * Guest (anonymous) users are refused (403) unless the server allows them; too many
   * refinements in a short time are refused (429, with Retry-After).
   *
   * `POST /api/v1/assets/{asset_id}/refine`
   */
  refineAsset(assetId: string, body: RefineRequestPublic, options: RefineAssetOptions = {}): Promise<RefineAcceptedPublic> {
    return this.request<RefineAcceptedPublic>({
      method: "POST",
      path: `/api/v1/assets/${encodeURIComponent(assetId)}/refine`,
      answer: "json",
      headers: { "Idempotency-Key": options.idempotencyKey },
      json: body,
      signal: options.signal,
    });
  }

  /**
   * Draw a failed candidate again
   *
   * Queue a failed candidate to be drawn again from its own prompt; answer at once.
   *
   * The same asset (no new one) goes back to `queued` with its error cleared, and its events
   * stream on the project's stream as usual; a project that was done becomes active again
   * until it is drawn. It costs one image of the daily limit, and re-opening a finished
   * project counts against the projects in flight (429, with Retry-After). 409 when the
   * asset is not `failed` (`asset_not_failed`), is a variation (`variation_not_retryable`:
   * refine its parent again instead), belongs to a cancelled project (`project_cancelled`) or
   * failed because the local engine cannot draw its design (`design_not_drawable`: it would
   * fail the same way again; change the brief in a new project).
   * With an `Idempotency-Key`, a repeat returns the first answer instead of a 409.
   *
   * `POST /api/v1/assets/{asset_id}/retry`
   */
  retryAsset(assetId: string, options: RetryAssetOptions = {}): Promise<RetryAcceptedPublic> {
    return this.request<RetryAcceptedPublic>({
      method: "POST",
      path: `/api/v1/assets/${encodeURIComponent(assetId)}/retry`,
      answer: "json",
      headers: { "Idempotency-Key": options.idempotencyKey },
      signal: options.signal,
    });
  }

  /**
   * Read one asset
   *
   * The asset with its signed image_url (once completed), parent, instruction and prompt.
   *
   * `GET /api/v1/assets/{asset_id}`
   */
  getAsset(assetId: string, options: RequestOptions = {}): Promise<AssetPublic> {
    return this.request<AssetPublic>({
      method: "GET",
      path: `/api/v1/assets/${encodeURIComponent(assetId)}`,
      answer: "json",
      signal: options.signal,
    });
  }

  /**
   * Read an asset's history of edits
   *
   * The chain from the original candidate down to this asset, oldest first.
   *
   * `GET /api/v1/assets/{asset_id}/lineage`
   */
  getAssetLineage(assetId: string, options: RequestOptions = {}): Promise<LineagePublic> {
    return this.request<LineagePublic>({
      method: "GET",
      path: `/api/v1/assets/${encodeURIComponent(assetId)}/lineage`,
      answer: "json",
      signal: options.signal,
    });
  }

  /**
   * Download a completed asset's brand kit (zip)
   *
   * The logo as a brand kit zip, for every completed asset (candidate or variation).
   *
   * Built on the first download (a second or two; an AI-drawn raster is vectorised first, and
   * its README.txt says how close the vector is) and kept, so later downloads are immediate.
   * Another user's asset is not found (404); one that is not completed yet is a 409. As the
   * signed file URLs do, it answers `If-None-Match` with its ETag (304) and `Range: bytes=...`
   * (206, 416 past the end), so a download manager can resume it.
   *
   * `GET /api/v1/assets/{asset_id}/brand-kit`
   */
  getAssetBrandKit(assetId: string, options: RequestOptions = {}): Promise<Blob> {
    return this.request<Blob>({
      method: "GET",
      path: `/api/v1/assets/${encodeURIComponent(assetId)}/brand-kit`,
      answer: "binary",
      signal: options.signal,
    });
  }

  /**
   * Download a stored object through a signed, expiring URL
   *
   * Serve the object when its signature matches and has not expired; `size`: smaller.
   *
   * `GET /api/v1/files/{bucket}/{path}`
   */
  getFile(bucket: string, path: string, options: GetFileOptions = {}): Promise<Blob> {
    return this.request<Blob>({
      method: "GET",
      path: `/api/v1/files/${encodeURIComponent(bucket)}/${encodeURIComponent(path)}`,
      answer: "binary",
      query: { "expires": options.expires, "signature": options.signature, "size": options.size },
      signal: options.signal,
    });
  }

  /**
   * What the caller has used of their limits today
   *
   * Images made in the rolling 24-hour window against the daily limit, projects in
   * progress against their limit, and when the oldest counted image leaves the window.
   *
   * `GET /api/v1/usage`
   */
  getUsage(options: RequestOptions = {}): Promise<UsagePublic> {
    return this.request<UsagePublic>({
      method: "GET",
      path: `/api/v1/usage`,
      answer: "json",
      signal: options.signal,
    });
  }

  /**
   * Liveness
   *
   * Answers while the process runs.
   *
   * `GET /healthz`
   */
  getLiveness(options: RequestOptions = {}): Promise<HealthPublic> {
    return this.request<HealthPublic>({
      method: "GET",
      path: `/healthz`,
      answer: "json",
      signal: options.signal,
    });
  }

  /**
   * Readiness
   *
   * Ready when the prompt, imagegen and refine services all report SERVING.
   *
   * `GET /readyz`
   */
  getReadiness(options: RequestOptions = {}): Promise<HealthPublic> {
    return this.request<HealthPublic>({
      method: "GET",
      path: `/readyz`,
      answer: "json",
      signal: options.signal,
    });
  }

}

/**
 * The events of a `text/event-stream` answer (e.g. `streamProject`'s), `data` parsed as JSON,
 * until the server ends the stream. Comments (keepalives) and `retry:` lines are skipped.
 */
export async function* readEvents<E = StreamProjectEvent>(
  response: Response,
): AsyncGenerator<E, void, undefined> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = "message";
  let id: string | undefined;
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          if (data.length) {
            yield { event, id, data: JSON.parse(data.join("\n")) } as E;
          }
          event = "message";
          id = undefined;
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = text;
        else if (field === "id") id = text;
        else if (field === "data") data.push(text);
      }
    }
  } finally {
    reader.releaseLock();
  }
}
