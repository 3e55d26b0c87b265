// Runs the compiled client against a fake fetch and a synthetic event stream; prints what it
// saw as JSON. `node test/smoke.mjs /path/to/logokraft.mjs` (test_gateway_openapi.py compiles
// src/logokraft.ts with tsc into a temporary folder first).
const { LogoKraftClient, LogoKraftError, readEvents } = await import(process.argv[2]);

const encoder = new TextEncoder();
const chunks = [
  "retry: 3000\n\n: keepalive\n\nid: 1\nevent: snap",
  'shot\ndata: {"project":{"id":"p"}}\r\n\r\nevent: queue\ndata: {"positions":[]}\n\n',
  'id: 2\nevent: done\ndata: {"status":"completed"}\n\n',
];
const body = new ReadableStream({
  start(controller) {
    for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
    controller.close();
  },
});
const events = [];
for await (const event of readEvents(new Response(body))) events.push(event);

const calls = [];
async function fakeFetch(url, init) {
  const sent = init.body instanceof FormData ? [...init.body.keys()] : init.body ?? null;
  calls.push({ url: String(url), method: init.method, headers: Object.fromEntries(init.headers), body: sent });
  if (String(url).endsWith("/usage")) {
    const error = { error: { code: "rate_limited", message: "slow down" } };
    return new Response(JSON.stringify(error), { status: 429, headers: { "Retry-After": "7" } });
  }
  return new Response(JSON.stringify({ ok: true }), { status: 202 });
}
const api = new LogoKraftClient({ baseUrl: "http://gateway.test/", token: () => "T", fetch: fakeFetch });
await api.createProject(
  { brand_name: "A", colors: ["navy", "gold"], inspiration_images: [new Blob(["x"], { type: "image/png" })] },
  { idempotencyKey: "k" },
);
await api.listProjects({ limit: 5 });
await api.refineAsset("a/b", { instruction: "navy" });
let error = null;
try {
  await api.getUsage();
} catch (caught) {
  error = { isClientError: caught instanceof LogoKraftError, status: caught.status, code: caught.code, retryAfter: caught.retryAfter };
}
console.log(JSON.stringify({ events, calls, error }));
