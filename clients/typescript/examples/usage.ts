// A tiny use of the generated client, type-checked by `make ts-client-check` and by
// services/gateway/tests/test_gateway_openapi.py (when tsc is installed).
import {
  LogoKraftClient,
  LogoKraftError,
  readEvents,
  type AssetPublic,
  type StreamProjectEvent,
} from "../src/logokraft.ts";

export async function firstLogo(baseUrl: string, token: string, inspiration: Blob): Promise<AssetPublic | null> {
  const api = new LogoKraftClient({ baseUrl, token });
  const created = await api.createProject(
    { brand_name: "Acme Roasters", colors: ["navy and gold"], num_candidates: 2, inspiration_images: [inspiration] },
    { idempotencyKey: crypto.randomUUID() },
  );

  // In a browser, `new EventSource(created.stream_url)` works as well: the URL carries its token.
  const stream = await api.streamProject(created.project_id);
  let first: AssetPublic | null = null;
  for await (const event of readEvents<StreamProjectEvent>(stream)) {
    if (event.event === "asset" && event.data.asset.status === "completed") first ??= event.data.asset;
    if (event.event === "done") break;
  }
  if (first === null) return null;

  try {
    const refined = await api.refineAsset(first.id, { instruction: "make it navy", num_variations: 2 });
    console.log(refined.variations.map((variation) => variation.status));
  } catch (error) {
    if (error instanceof LogoKraftError && error.status === 429) {
      console.log(`try again in ${error.retryAfter ?? "a few"} s (${error.code})`);
    } else {
      throw error;
    }
  }
  const page = await api.listProjects({ limit: 10 });
  console.log(page.projects.length, (await api.getUsage()).images_used);
  return api.getAsset(first.id);
}
