// LogoKraft Studio: a brief in, logos streamed back, refinements and their lineage.
// Plain JavaScript, no build step and no library; it only calls the public /api/v1.
"use strict";

(function () {
  const API = "/api/v1";
  const TOKEN_KEY = "logokraft.studio.token";
  const TITLE = document.title; // "LogoKraft Studio"
  const EVENTS = ["snapshot", "asset", "project", "queue", "done"];
  const BRIEF_FIELDS = [
    "brand_name", "slogan", "industry", "description", "style", "colors",
    "num_candidates", "inspiration_images",
  ];
  const REFINE_FIELDS = ["instruction", "num_variations"];
  const RETRY_MS = 3000;
  // A download link's signed URL is renewed this long before it expires (at most; a quarter
  // of what is left when that is shorter), and never sooner than MIN_RENEW_MS after the last.
  const LINK_MARGIN_MS = 60_000;
  const MIN_RENEW_MS = 1000;
  // A link this close to its expiry is not used as it is: the request might arrive after it.
  const LINK_STALE_MS = 5000;
  // The API's limits on inspiration images, as createProject documents them ("PNG, JPEG or
  // WEBP; ≤10 MB and ≤16 megapixels each", at most 5: the gateway's uploads.py). Checked
  // before sending; tests/browser/test_studio.py keeps these equal to the gateway's.
  const MAX_IMAGES = 5;
  const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
  const MAX_IMAGE_PIXELS = 16_000_000;
  const MB = 1024 * 1024; // the gateway's megabyte
  const PROJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  const $ = (id) => document.getElementById(id);
  const el = (tag, props, children) => {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  };

  const state = {
    token: null,
    project: null, // the open project (without assets)
    assets: new Map(), // id -> asset of the open project
    selected: null, // selected asset id
    stream: null, // {close()} of the open project's stream
    opening: null, // the project id being opened (a later open wins over an earlier one)
    lastEventId: 0,
    projectsCursor: null,
    loadingMore: false, // a "More projects" page is on its way
    sendingBrief: false, // the brief is being checked or sent
    briefKey: null, // the Idempotency-Key of the brief as written (newKey), until it is made
    idempotency: true, // false once the gateway said it cannot honour Idempotency-Key
    imageCheck: Promise.resolve([]), // the chosen images' problems (a promise of sentences)
    tallies: new Map(), // project id -> {made, failed, variations, variationsFailed, cancelled, ...}, once seen
    clockOffset: 0, // the server's clock minus the page's (ms), from the API's Date header
    briefOf: null, // the user (sub) whose session ended with their brief kept for them
    linkTimer: null, // renews the selected logo's download links before they expire
    renewing: null, // the asset id whose links are being renewed
    listRound: 0, // bumped by every list refresh and removal; an older refresh is dropped
    echo: false, // the open stream was opened for another tab's change (see heardFromAnotherTab)
  };

  // ---- the API ------------------------------------------------------------------------------

  // What to say when the answer is not the API's JSON (a proxy's or load balancer's page in
  // front of the gateway: nginx refuses bodies over 1 MB by default, with an HTML 413).
  const PLAIN_FAILURES = {
    413: "The brief and its images are too large to send at once; choose fewer or smaller images.",
    429: "Too many requests for now; wait a minute, then try again.",
    502: "The server is not answering right now; try again in a minute.",
    503: "The server is not answering right now; try again in a minute.",
    504: "The server took too long to answer; try again in a minute.",
  };

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || PLAIN_FAILURES[status] || `The request failed (HTTP ${status}).`);
      this.status = status;
      this.code = error.code || "http_error";
      this.details = error.details || [];
    }
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = Object.assign({}, opts.headers || {});
    if (state.token) {
      headers.Authorization = `Bearer ${state.token}`;
    }
    let response;
    try {
      response = await fetch(path.startsWith("/") ? path : `${API}/${path}`, {
        method: opts.method || "GET",
        headers,
        body: opts.body,
      });
    } catch (error) {
      throw new ApiError(0, { error: { code: "network", message: "The server cannot be reached; check your connection and try again." } });
    }
    const serverDate = Date.parse(response.headers.get("date") || "");
    if (!Number.isNaN(serverDate)) state.clockOffset = serverDate - Date.now();
    let body = null;
    const type = response.headers.get("content-type") || "";
    if (type.includes("application/json")) {
      body = await response.json();
    }
    if (!response.ok) {
      const failure = new ApiError(response.status, body);
      if (response.status === 401 && !opts.allowUnauthenticated) sessionEnded(failure.message);
      throw failure;
    }
    return body;
  }

  // Stream URLs are absolute (the gateway's public URL); the page talks to its own origin.
  function sameOrigin(url) {
    const parsed = new URL(url, window.location.href);
    return `${parsed.pathname}${parsed.search}`;
  }

  // A file the gateway serves itself (local storage: `/api/v1/files/...`, signed) is named
  // with the gateway's public URL, which is not the page's origin when the studio was opened
  // under another name (http://localhost:8000/ for http://127.0.0.1:8000): a browser saves
  // a cross-origin link under its own name, or not at all. The page's origin serves it too.
  // Any other URL (Supabase Storage) is left as it is.
  function ownFileUrl(url) {
    const parsed = new URL(url, window.location.href);
    const own = parsed.pathname.startsWith(`${API}/files/`);
    return own ? `${window.location.origin}${parsed.pathname}${parsed.search}` : url;
  }

  // ---- the open project in the address -------------------------------------------------------

  // "#project=<id>": a reload, back/forward and a shared link reopen the project.
  function projectIdInUrl() {
    return new URLSearchParams(window.location.hash.slice(1)).get("project");
  }

  // `how`: "push" (a step of its own, for back/forward) or "replace".
  function setUrlProject(projectId, how) {
    const hash = projectId ? `#project=${encodeURIComponent(projectId)}` : "";
    const url = `${window.location.pathname}${window.location.search}${hash}`;
    if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
    if (how === "replace") window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  }

  // Back, forward, or a hash typed or followed: show what the address names.
  function followUrl() {
    if (!state.token) return;
    // The question was about the project being left: it is not asked of the next one.
    if ($("delete-dialog").open) $("delete-dialog").close();
    const projectId = projectIdInUrl();
    if (projectId) {
      const shown = (state.project && state.project.id === projectId) || state.opening === projectId;
      if (!shown) openProject(projectId, { fromUrl: true }); // (popstate and hashchange both come)
    } else if (state.project || $("brief").hidden) {
      newProject({ history: "none" });
    }
  }

  // ---- messages and field errors ------------------------------------------------------------

  // `text`: a string, or a sentence's parts (strings, and names made by `named`).
  function notice(text) {
    if (Array.isArray(text)) $("notice").replaceChildren(...text);
    else $("notice").textContent = text || "";
  }

  // A person's words (a brand name, a slogan) inside the page's sentence, isolated in their
  // own direction: “مقهى الفجر!” keeps its "!" at its end, not at the sentence's.
  function named(text) {
    return el("bdi", { textContent: text });
  }

  function clearErrors(fields, formError) {
    for (const name of fields) {
      const message = $(`error-${name}`);
      if (message) message.textContent = "";
      const control = $(`field-${name}`);
      if (control) control.removeAttribute("aria-invalid");
    }
    $(formError).textContent = "";
  }

  // Put each of the 422's details next to its field; the rest in the form's error line.
  function showErrors(error, fields, formError) {
    let placed = 0;
    let firstField = null;
    for (const detail of error.details || []) {
      const name = String(detail.field || "").split(".")[0];
      if (!fields.includes(name)) continue;
      const message = $(`error-${name}`);
      const text = name === "inspiration_images" ? imageErrorText(error, detail) : friendly(detail.message || "is invalid");
      if (message.textContent.includes(text)) continue;
      message.textContent = message.textContent ? `${message.textContent} ${text}` : text;
      if (!/[.!?]$/.test(message.textContent)) message.textContent += ".";
      $(`field-${name}`).setAttribute("aria-invalid", "true");
      firstField = firstField || $(`field-${name}`);
      placed += 1;
    }
    if (!placed) {
      $(formError).textContent = error.message;
    } else {
      $(formError).textContent = "Please correct the highlighted fields.";
      firstField.focus();
    }
  }

  // The API's messages, with pydantic's wording of a field's bounds made plainer: a person
  // typed "a brand name", not "a string", into "Number of logos", not "an input".
  const PLAIN_WORDS = [
    [/^String should have at least 1 character/i, () => "This field is required (String should have at least 1 character)"],
    [/^String should have at most (\d+) characters?/i, (n) => `Too long: at most ${n} characters`],
    [/^Input should be greater than or equal to (\d+)/i, (n) => `Must be at least ${n}`],
    [/^Input should be less than or equal to (\d+)/i, (n) => `Must be at most ${n}`],
    [/^Input should be a valid integer/i, () => "Must be a whole number"],
  ];

  function friendly(message) {
    for (const [pattern, plain] of PLAIN_WORDS) {
      const found = pattern.exec(message);
      if (found) return plain(found[1]);
    }
    return capitalise(message);
  }

  // The API says which image in its sentence ("Inspiration image 2 is a GIF image; ..."),
  // its detail only in short ("not PNG, JPEG or WEBP"): the sentence, with the file's name.
  function imageErrorText(error, detail) {
    const files = $("field-inspiration_images").files;
    const file = detail.index ? files[detail.index - 1] : null;
    let text = error.message || friendly(detail.message || "is invalid");
    if (file) {
      text = text.replace(/^Inspiration image (\d+)/, (whole, index) => `${file.name} (inspiration image ${index})`);
    }
    return text;
  }

  // A button disabled while its request runs drops the focus to the page's top: when nothing
  // else took it meanwhile, a keyboard user goes on from the button they pressed.
  function refocus(button) {
    if (document.activeElement === document.body && button.offsetParent !== null) button.focus();
  }

  function capitalise(text) {
    return text ? text[0].toUpperCase() + text.slice(1) : text;
  }

  // ---- signing in ---------------------------------------------------------------------------

  async function start() {
    wire();
    let config = { dev_sign_in: false };
    try {
      config = await api("/studio/config");
    } catch (error) {
      notice(error.message);
    }
    $("dev-sign-in").hidden = !config.dev_sign_in;
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) {
      await signIn(saved, null);
    } else {
      showSignIn();
    }
  }

  function showSignIn() {
    $("loading").hidden = true;
    $("sign-in").hidden = false;
    $("workspace").hidden = true;
    $("who").hidden = true;
  }

  async function signIn(token, label) {
    state.token = token.trim();
    try {
      await api("projects?limit=1", { allowUnauthenticated: true });
    } catch (error) {
      state.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn();
      if (error.status === 401) {
        $("access-token-error").textContent = `That token was not accepted: ${error.message}`;
        $("access-token").setAttribute("aria-invalid", "true");
        $("access-token").focus();
      } else {
        $("access-token-error").textContent = error.message;
      }
      return false;
    }
    sessionStorage.setItem(TOKEN_KEY, state.token);
    const sameBrief = state.briefOf && state.briefOf === (claimsOf(state.token) || {}).sub;
    if (state.briefOf && !sameBrief) forgetTheBrief(); // someone else signed in
    state.briefOf = null;
    $("access-token").value = "";
    $("access-token").removeAttribute("aria-invalid");
    $("access-token-error").textContent = "";
    $("sign-in").hidden = true;
    $("loading").hidden = true;
    $("workspace").hidden = false;
    $("who").hidden = false;
    $("who-name").textContent = label || describeToken(state.token);
    notice("");
    // The brief has the focus as soon as it shows, not once the list has loaded: by then the
    // person may be typing in another of its fields, and the rest went into the brand name.
    if (!projectIdInUrl()) $("field-brand_name").focus();
    await loadProjects(false);
    refreshUsage();
    if (projectIdInUrl()) await openProject(projectIdInUrl(), { fromUrl: true });
    return true;
  }

  function describeToken(token) {
    return (claimsOf(token) || {}).email || "Signed in";
  }

  // A JWT's claims (not verified: only to say who is signed in, or when a link expires).
  function claimsOf(token) {
    try {
      return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    } catch (error) {
      return null;
    }
  }

  // "Sign out": the next person to sign in here is not sent to the open project.
  function signOut(message) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    forgetThePerson();
    setUrlProject(null, "replace");
    showSignIn();
    notice(message || "");
  }

  // The token expired (or was revoked) under the person's feet: the address keeps naming
  // their project, so signing in again takes them back to it (signIn opens what it names).
  function sessionEnded(reason) {
    const brand = state.project ? state.project.brief.brand_name : null;
    state.briefOf = (claimsOf(state.token || "") || {}).sub || null;
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    // A token lasts an hour where supabase-js is not there to renew it: a brief written
    // meanwhile was wiped by the 401 of its own "Generate logos".
    forgetThePerson({ keepBrief: Boolean(state.briefOf) });
    showSignIn();
    // "You were signed out: The access token has expired; sign in again. You will be back
    // on “Juniper & Ash”."
    const back = brand && projectIdInUrl() ? [" You will be back on “", named(brand), "”."] : [];
    notice([`You were signed out: ${reason}`, ...back]);
    // The control pressed went with the workspace: the keyboard starts at the sign-in.
    if (!$("dev-sign-in").hidden) $("dev-button").focus();
    else $("access-token").focus();
  }

  // Everything the person who signed out wrote or saw, shown or hidden: the next person to
  // use this tab starts from an empty brief.
  // `keepBrief`: the session ended by itself; the brief being written waits (hidden) for
  // the same person to sign in again (forgetTheBrief when someone else does).
  function forgetThePerson(options) {
    closeStream();
    if ($("delete-dialog").open) $("delete-dialog").close();
    Object.assign(state, { project: null, selected: null, lastEventId: 0, projectsCursor: null, opening: null });
    state.assets.clear();
    state.tallies.clear();
    if (!(options && options.keepBrief)) forgetTheBrief();
    $("refine-form").reset();
    clearErrors(REFINE_FIELDS, "refine-error");
    for (const id of ["project-list", "candidates", "lineage-list", "downloads", "inspiration-list"]) $(id).replaceChildren();
    delete $("inspiration-list").dataset.projectId;
    $("inspiration").hidden = true;
    $("not-started").hidden = true;
    const texts = [
      "who-name", "project-title", "project-status", "project-meta", "stream-status", "project-error", "not-started",
      "detail-title", "detail-prompt", "detail-instruction", "detail-editor", "delete-text", "delete-error",
      "refine-status", "usage",
    ];
    for (const id of texts) $(id).textContent = "";
    const image = $("detail-image");
    image.removeAttribute("src");
    image.alt = "";
    delete image.dataset.assetId;
    $("more-projects").hidden = true;
    $("projects-empty").hidden = true;
    $("detail").hidden = true;
    $("project").hidden = true;
    $("brief").hidden = false;
    setTitle(null);
  }

  function forgetTheBrief() {
    state.briefKey = null;
    state.imageCheck = Promise.resolve([]);
    $("brief-form").reset();
    clearPreviews();
    clearErrors(BRIEF_FIELDS, "brief-error");
  }

  async function devSignIn() {
    const button = $("dev-button");
    button.disabled = true;
    try {
      const answer = await api("/studio/dev-token", { method: "POST", allowUnauthenticated: true });
      await signIn(answer.access_token, "dev user");
    } catch (error) {
      // Said where it is heard (the notice is a live region), not under "Access token": no
      // token was pasted.
      notice(error.message);
    } finally {
      button.disabled = false;
      refocus(button);
    }
  }

  // ---- the daily limit -----------------------------------------------------------------------

  // "Images in the last 24 hours: 7 of 200." (GET /usage): a person sees what is left before
  // a brief is refused for it. Asked again whenever images were asked for or given back.
  async function refreshUsage() {
    const token = state.token;
    let usage;
    try {
      usage = await api("usage");
    } catch (error) {
      return; // said where it matters: the brief's or refinement's own answer
    }
    if (state.token !== token) return;
    $("usage").textContent = usageText(usage);
  }

  function usageText(usage) {
    const used = usage.images_used;
    if (!usage.images_limit) return `Images in the last 24 hours: ${used} (no daily limit).`;
    let text = `Images in the last 24 hours: ${used} of ${usage.images_limit}.`;
    if (used >= usage.images_limit && usage.resets_at) {
      text += ` More from ${new Date(usage.resets_at).toLocaleString()}.`;
    }
    return text;
  }

  // ---- other tabs ---------------------------------------------------------------------------

  // The studio's other tabs in this browser say when they made, finished or deleted a
  // project, so this tab's list (and its daily count) follow without a reload. Each tab asks
  // the API with its own token: a tab signed in as someone else learns nothing from it.
  const otherTabs = typeof BroadcastChannel === "function" ? new BroadcastChannel("logokraft.studio") : null;

  function tellOtherTabs(change) {
    if (otherTabs) otherTabs.postMessage(change);
  }

  function heardFromAnotherTab(event) {
    if (!state.token) return;
    const change = event.data || {};
    if (change.deleted && state.project && state.project.id === change.deleted) forgetProject(change.deleted);
    else if (change.deleted) removeProjectItem(change.deleted); // (the brief being written stays as it is)
    // The project open here, refined or retried there: its new logos come here too (its
    // stream, from the last event this page saw, ends at once when there is nothing new).
    const open = state.project && state.project.id === change.changed;
    if (open && isSettled(state.project.status) && !state.stream) {
      follow(state.project.id, null);
      state.echo = true; // its `done` is the other tab's news, not this one's to tell again
    }
    refreshProjects();
    refreshUsage();
  }

  // The first page of the list again, merged: projects not listed yet go first, those
  // listed say their status anew (the open one says what its own stream says).
  async function refreshProjects() {
    const token = state.token;
    const round = ++state.listRound;
    let page;
    try {
      page = await api("projects?limit=20");
    } catch (error) {
      return;
    }
    // Signed out meanwhile, or a later refresh or a removal came since: this answer could
    // list a project deleted after it was read, and put it back.
    if (state.token !== token || round !== state.listRound) return;
    for (const project of page.projects.slice().reverse()) {
      const open = state.project && state.project.id === project.id;
      if (open) continue; // (said by its own stream)
      tallyListed(project);
      upsertProjectItem(project);
    }
  }

  // ---- the project list ---------------------------------------------------------------------

  // `more`: the next page, after "More projects". One page at a time: a double click (or a
  // double Enter) on "More projects" asks once, so no project is listed twice.
  async function loadProjects(more) {
    const button = $("more-projects");
    if (more && state.loadingMore) return;
    const token = state.token;
    const hadFocus = document.activeElement === button;
    const query = more && state.projectsCursor ? `&cursor=${encodeURIComponent(state.projectsCursor)}` : "";
    let page;
    state.loadingMore = more;
    if (more) button.setAttribute("aria-busy", "true");
    try {
      page = await api(`projects?limit=20${query}`);
    } catch (error) {
      notice(error.message);
      return;
    } finally {
      if (more) {
        state.loadingMore = false;
        button.removeAttribute("aria-busy");
      }
    }
    if (state.token !== token) return; // signed out meanwhile: nothing of theirs is shown
    const list = $("project-list");
    if (!more) list.replaceChildren();
    let first = null;
    for (const project of page.projects) {
      if (projectButton(project.id)) continue; // listed already (made in this tab)
      tallyListed(project);
      const item = projectItem(project);
      first = first || item.querySelector("button");
      list.append(item);
    }
    state.projectsCursor = page.next_cursor;
    button.hidden = !page.next_cursor;
    $("projects-empty").hidden = list.children.length > 0;
    markCurrentProject();
    // The keyboard goes on with the first project this page brought, not lost to the page's
    // top when "More projects" goes away after the last page.
    if (more && first && (hadFocus || document.activeElement === document.body)) first.focus();
  }

  function projectItem(project) {
    const button = el("button", { type: "button" }, [
      el("span", { className: "name", dir: "auto" }), // "مقهى!" reads right to left, "!" last
      el("span", { className: "sub" }),
    ]);
    button.dataset.projectId = project.id;
    button.addEventListener("click", () => openProject(project.id));
    fillProjectItem(button, project);
    return el("li", {}, [button]);
  }

  // "Done · 2 of 3 logos, 1 failed · 12/05/2026, 10:02": the project's own words (statusLine).
  function fillProjectItem(button, project) {
    const when = project.created_at ? new Date(project.created_at).toLocaleString() : "";
    button.querySelector(".name").textContent = project.brief.brand_name;
    button.querySelector(".sub").textContent = [statusLine(project), when].filter(Boolean).join(" · ");
  }

  function projectButton(projectId) {
    return $("project-list").querySelector(`button[data-project-id="${CSS.escape(projectId)}"]`);
  }

  // Updated in place (the focus stays); a project not listed yet (just made) goes first.
  function upsertProjectItem(project) {
    const existing = projectButton(project.id);
    if (existing) {
      fillProjectItem(existing, project);
    } else {
      $("project-list").prepend(projectItem(project));
      $("projects-empty").hidden = true;
    }
    markCurrentProject();
  }

  function markCurrentProject() {
    for (const button of $("project-list").querySelectorAll("button")) {
      const current = state.project && button.dataset.projectId === state.project.id;
      if (current) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }

  // `fromUrl`: the address already names it (a reload, back/forward, a link).
  async function openProject(projectId, options) {
    const fromUrl = Boolean(options && options.fromUrl);
    state.opening = projectId;
    // On a slow connection the project shown stays until this one arrives: its line in the
    // list says it is on its way (aria-busy, and a word), so it is not clicked again and again.
    markOpening(projectId);
    let project;
    try {
      if (!PROJECT_ID.test(projectId)) throw new ApiError(404, null); // not one of ours, surely
      project = await api(`projects/${projectId}`);
    } catch (error) {
      if (state.opening !== projectId) return;
      state.opening = null;
      markOpening(null);
      if (error.status === 404) {
        forgetProject(projectId);
        return;
      }
      notice(error.message);
      return;
    }
    if (state.opening !== projectId) return; // another project was asked for meanwhile
    state.opening = null;
    markOpening(null);
    if (!fromUrl) setUrlProject(project.id, "push");
    notice(""); // what was said of the previous project ("Deleted “…”.") is not of this one
    showProject(project);
    showProjectTop();
    if (!isSettled(project.status)) {
      follow(project.id, null);
    }
  }

  function markOpening(projectId) {
    for (const button of $("project-list").querySelectorAll("button[aria-busy]")) {
      button.removeAttribute("aria-busy");
    }
    const button = projectId && projectButton(projectId);
    if (button) button.setAttribute("aria-busy", "true");
  }

  // A project deleted elsewhere (another tab, the CLI, the API): out of the list, and off the
  // page if it is the one shown, with a word why.
  function forgetProject(projectId) {
    removeProjectItem(projectId);
    if (!state.project || state.project.id === projectId) newProject({ history: "none" });
    // The address names what is shown: the project still open, or none.
    if (projectIdInUrl() === projectId) setUrlProject(state.project ? state.project.id : null, "replace");
    notice("That project no longer exists: it was deleted.");
  }

  function removeProjectItem(projectId) {
    state.listRound += 1; // a list read before this removal is not merged (refreshProjects)
    state.tallies.delete(projectId);
    const item = $("project-list").querySelector(`button[data-project-id="${CSS.escape(projectId)}"]`);
    if (item) item.closest("li").remove();
    $("projects-empty").hidden = $("project-list").querySelector("button") !== null;
  }

  // The tab's title (and each back/forward step's) names the open project: two tabs, or
  // the history menu, tell one project from another.
  function setTitle(brand) {
    document.title = brand ? `${brand} – ${TITLE}` : TITLE;
  }

  // `history`: "push" when a person asked for a new brief (default), "none" otherwise.
  function newProject(options) {
    const history = (options && options.history) || "push";
    if (history === "push") setUrlProject(null, "push");
    state.opening = null;
    markOpening(null);
    closeStream();
    state.project = null;
    state.assets.clear();
    state.selected = null;
    $("project").hidden = true;
    $("brief").hidden = false;
    setTitle(null);
    markCurrentProject();
    $("field-brand_name").focus();
  }

  // ---- the brief ----------------------------------------------------------------------------

  function clearPreviews() {
    const list = $("previews");
    for (const img of list.querySelectorAll("img")) URL.revokeObjectURL(img.src);
    list.replaceChildren();
  }

  // Preview the chosen images and check them against the API's limits at once, so a person
  // hears what is wrong with which file before anything is sent.
  function imagesChosen() {
    clearPreviews();
    const files = Array.from($("field-inspiration_images").files);
    let check = null;
    check = checkImages(files, () => state.imageCheck !== check);
    state.imageCheck = check;
    check.then((problems) => {
      if (state.imageCheck === check) showImageProblems(problems);
    });
  }

  function showImageProblems(problems) {
    const field = $("field-inspiration_images");
    $("error-inspiration_images").textContent = problems.join(" ");
    if (problems.length) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  }

  // `stale()`: another choice was made meanwhile (this one then adds no preview).
  async function checkImages(files, stale) {
    if (files.length > MAX_IMAGES) {
      return [`You chose ${files.length} images; the limit is ${MAX_IMAGES}.`];
    }
    const problems = [];
    for (const [index, file] of files.entries()) {
      const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
      if (stale()) return [];
      if (!file.size) {
        problems.push(`${file.name} is empty.`);
        continue;
      }
      if (!imageFormat(head)) {
        const kind = otherFormat(head, file);
        problems.push(kind ? `${file.name} is ${kind}; choose PNG, JPEG or WEBP images.` : `${file.name} is not a PNG, JPEG or WEBP image.`);
        continue;
      }
      const img = el("img", { src: URL.createObjectURL(file), alt: `Inspiration image ${index + 1}: ${file.name}` });
      $("previews").append(el("li", {}, [img]));
      if (file.size > MAX_IMAGE_BYTES) {
        problems.push(`${file.name} is ${upOneDecimal(file.size / MB)} MB; the limit is ${MAX_IMAGE_BYTES / MB} MB per image.`);
        continue;
      }
      try {
        await img.decode();
      } catch (error) {
        continue; // the browser cannot read it: the API will say what it makes of it
      }
      const { naturalWidth: width, naturalHeight: height } = img;
      if (width * height > MAX_IMAGE_PIXELS) {
        problems.push(
          `${file.name} is ${width} × ${height} pixels (${upOneDecimal((width * height) / 1e6)} megapixels); ` +
            `the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels per image.`,
        );
      }
    }
    return problems;
  }

  // 14.15 -> "14.2", 10.0001 -> "10.1": a file over a limit never reads as the limit itself.
  function upOneDecimal(value) {
    return (Math.ceil(value * 10) / 10).toFixed(1);
  }

  // The API's own test: the file's first bytes, not its name or type.
  function imageFormat(head) {
    const ascii = (from, to) => String.fromCharCode(...head.slice(from, to));
    if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => head[i] === byte)) return "PNG";
    if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "JPEG";
    if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "WEBP";
    return null;
  }

  function otherFormat(head, file) {
    const ascii = (from, to) => String.fromCharCode(...head.slice(from, to));
    if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "a GIF image";
    if (ascii(4, 8) === "ftyp") return /^avi[fs]/.test(ascii(8, 12)) ? "an AVIF image" : "a HEIC photo";
    if (ascii(0, 2) === "BM") return "a BMP image";
    if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "a TIFF image";
    if (file.type === "image/svg+xml" || /\.svg$/i.test(file.name)) return "an SVG image";
    return null;
  }

  // A random key (crypto.randomUUID needs a secure context; a LAN address is not one).
  function newKey() {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function submitBrief(event) {
    event.preventDefault();
    const button = $("generate");
    // Once per brief: a double click (or Enter twice) while the chosen images are still being
    // checked (large photos take a moment to decode) sent the brief twice, two projects.
    if (state.sendingBrief) return;
    state.sendingBrief = true;
    button.disabled = true;
    try {
      await sendBrief(button);
    } finally {
      state.sendingBrief = false;
      button.disabled = false;
      button.textContent = "Generate logos";
      refocus(button);
    }
  }

  async function sendBrief(button) {
    clearErrors(BRIEF_FIELDS, "brief-error");
    const problems = await state.imageCheck;
    if (problems.length) {
      showImageProblems(problems);
      $("brief-error").textContent = "Please correct the highlighted fields.";
      $("field-inspiration_images").focus();
      return;
    }
    const form = new FormData();
    const value = (name) => $(`field-${name}`).value;
    for (const name of ["brand_name", "slogan", "industry", "description"]) {
      form.append(name, value(name));
    }
    for (const keyword of value("style").split(",")) {
      if (keyword.trim()) form.append("style", keyword.trim());
    }
    if (value("colors").trim()) form.append("colors", value("colors").trim());
    form.append("num_candidates", value("num_candidates"));
    for (const file of $("field-inspiration_images").files) {
      form.append("inspiration_images", file, file.name);
    }
    button.textContent = "Sending the brief…";
    // One key per brief as written: sent again after a lost answer (the gateway restarting,
    // the connection dropping after the project was made), it is the same project, not a
    // second one. Any edit of the brief makes it a new brief, with a new key.
    state.briefKey = state.briefKey || newKey();
    const send = () => api("projects", {
      method: "POST",
      body: form,
      headers: state.idempotency ? { "Idempotency-Key": state.briefKey } : {},
    });
    try {
      let created;
      try {
        created = await send();
      } catch (error) {
        if (error.code !== "idempotency_unavailable") throw error;
        state.idempotency = false; // a gateway without a database: send it as it is
        created = await send();
      }
      state.briefKey = null;
      setUrlProject(created.project_id, "push");
      showProject(created.project);
      upsertProjectItem(created.project);
      refreshUsage();
      tellOtherTabs({ changed: created.project_id });
      follow(created.project_id, created.stream_url);
      showProjectTop();
    } catch (error) {
      if (error.status !== 401) showErrors(error, BRIEF_FIELDS, "brief-error");
    }
  }

  // ---- the open project ---------------------------------------------------------------------

  function isSettled(status) {
    return status === "completed" || status === "failed" || status === "cancelled";
  }

  function showProject(project) {
    closeStream();
    state.project = summaryOf(project);
    state.assets.clear();
    state.selected = null;
    state.lastEventId = 0;
    $("candidates").replaceChildren();
    $("detail").hidden = true;
    $("project").hidden = false;
    $("brief").hidden = true;
    $("stream-status").textContent = "";
    renderProjectHeader();
    renderInspiration(project);
    for (const asset of project.assets || []) {
      upsertAsset(asset);
    }
    // A finished project says what its stream's end said; one in flight, what its stream says.
    if (isSettled(project.status)) $("stream-status").textContent = settledText();
    markCurrentProject();
  }

  // The project just opened or made, from its top: on a phone the list of projects comes
  // first, and focusing the heading alone left it at the screen's bottom edge, its logos
  // out of sight below.
  function showProjectTop() {
    $("project-title").focus({ preventScroll: true });
    $("project").scrollIntoView({ block: "start" });
  }

  function summaryOf(project) {
    const copy = Object.assign({}, project);
    delete copy.assets;
    delete copy.inspiration_images;
    return copy;
  }

  // The images the project was made from, small, above its logos. Those already shown stay
  // (a new stream's snapshot signs them afresh: new <img>s would be blank until fetched);
  // one whose signed URL has expired asks the project for a fresh one, once.
  function renderInspiration(project) {
    const images = project.inspiration_images || [];
    const list = $("inspiration-list");
    const shown = Array.from(list.querySelectorAll("img"));
    const kept = list.dataset.projectId === project.id && shown.length === images.length
      && shown.every((img) => img.complete && img.naturalWidth);
    $("inspiration").hidden = images.length === 0;
    if (kept) return;
    list.dataset.projectId = project.id;
    list.replaceChildren(...images.map((image, index) => {
      const alt = `Inspiration image ${index + 1} of ${images.length}`;
      const img = el("img", { src: image.thumbnail_url || image.url, alt, loading: "lazy", decoding: "async" });
      img.addEventListener("error", () => reloadInspiration(img, project.id, index));
      return el("li", {}, [img]);
    }));
  }

  async function reloadInspiration(img, projectId, index) {
    if (img.dataset.reloaded) return;
    img.dataset.reloaded = "true";
    try {
      const fresh = await api(`projects/${projectId}`);
      const image = (fresh.inspiration_images || [])[index];
      if (image && img.isConnected) img.src = image.thumbnail_url || image.url;
    } catch (error) {
      // The project's own reads say what went wrong (a deleted project, a lost session).
    }
  }

  // The project as the API has it now (after a cancel, or a 409 saying it had finished).
  function refreshProject(project) {
    state.project = summaryOf(project);
    for (const asset of project.assets || []) upsertAsset(asset);
    renderProjectHeader();
    renderInspiration(project);
    upsertProjectItem(state.project);
    if (isSettled(project.status)) {
      closeStream();
      $("stream-status").textContent = settledText();
    }
  }

  const STATUS_LABELS = {
    pending: "Starting",
    generating: "Generating",
    completed: "Done",
    failed: "Failed",
    cancelled: "Cancelled",
  };

  function statusLabel(status) {
    return STATUS_LABELS[status] || capitalise(String(status));
  }

  function plural(count, word) {
    return count === 1 ? word : `${word}s`;
  }

  // The open project's logos, counted as the list and the project both say them.
  function tallyOpenProject() {
    const project = state.project;
    const before = state.tallies.get(project.id);
    const tally = { made: 0, failed: 0, variations: 0, variationsFailed: 0, variationsCancelled: 0, candidates: 0, cancelled: 0, inFlight: 0 };
    for (const asset of state.assets.values()) {
      const done = asset.status === "completed";
      const failed = asset.status === "failed";
      if (asset.parent_asset_id) {
        tally.variations += done ? 1 : 0;
        tally.variationsFailed += failed ? 1 : 0;
        tally.variationsCancelled += asset.status === "cancelled" ? 1 : 0;
      } else {
        tally.made += done ? 1 : 0;
        tally.failed += failed ? 1 : 0;
        tally.cancelled += asset.status === "cancelled" ? 1 : 0;
        tally.inFlight += asset.status === "queued" || asset.status === "generating" ? 1 : 0;
        tally.candidates += 1;
      }
    }
    // Once cancelled, always: refining one of its logos makes the project `generating`, then
    // `completed`, and the logos the cancel stopped stay stopped.
    tally.wasCancelled = Boolean(before && before.wasCancelled) || project.status === "cancelled" || tally.cancelled > 0;
    state.tallies.set(project.id, tally);
  }

  // A listed project's logos, from the list's counts; the open project's are the logos the
  // page follows live (tallyOpenProject), newer than any list.
  function tallyListed(project) {
    const counts = project.counts;
    if (!counts || (state.project && state.project.id === project.id)) return;
    const before = state.tallies.get(project.id);
    state.tallies.set(project.id, {
      made: counts.candidates_completed,
      failed: counts.candidates_failed,
      variations: counts.variations_completed,
      variationsFailed: counts.variations_failed,
      // (None is in flight once the project has settled: the rest were cancelled.)
      variationsCancelled: isSettled(project.status) ? Math.max(0, counts.variations - counts.variations_completed - counts.variations_failed) : 0,
      cancelled: counts.candidates_cancelled || 0,
      wasCancelled: Boolean(before && before.wasCancelled) || project.status === "cancelled" || counts.candidates_cancelled > 0,
    });
  }

  // What was made of what was asked: "3 logos", "2 of 3 logos, 1 failed, 1 variation",
  // "1 of 3 logos, 2 cancelled". A project whose logos are not known (a list without
  // counts) says what was asked.
  function logoCount(project) {
    const asked = project.brief.num_candidates;
    const tally = state.tallies.get(project.id);
    if (!tally) return `${asked} ${plural(asked, "logo")} requested`;
    const parts = [tally.made === asked ? `${asked} ${plural(asked, "logo")}` : `${tally.made} of ${asked} ${plural(asked, "logo")}`];
    if (tally.failed) parts.push(`${tally.failed} failed`);
    const cancelled = cancelledCount(project, tally);
    if (cancelled) parts.push(`${cancelled} cancelled`);
    if (tally.variations) parts.push(`${tally.variations} ${plural(tally.variations, "variation")}`);
    if (tally.variationsFailed) parts.push(`${tally.variationsFailed} ${plural(tally.variationsFailed, "variation")} failed`);
    if (tally.variationsCancelled) parts.push(`${tally.variationsCancelled} ${plural(tally.variationsCancelled, "variation")} cancelled`);
    return parts.join(", ");
  }

  // A cancelled project's logos neither made nor failed were cancelled: those it had begun
  // and those it never started alike (which have no asset, so no card and no count).
  function cancelledCount(project, tally) {
    if (!wasCancelled(project, tally)) return 0;
    return Math.max(0, project.brief.num_candidates - tally.made - tally.failed - (tally.inFlight || 0));
  }

  // Cancelled, or cancelled once and refined since (`generating`, then `completed` again: the
  // API keeps no other mark of the cancel). Then a logo cancelled while it was being made, or
  // a finished project with fewer logos made or failed than asked, says so after a reload;
  // this page also remembers the cancel it saw.
  function wasCancelled(project, tally) {
    if (project.status === "cancelled") return true;
    if (!tally) return false;
    const settledShort = project.status === "completed" && tally.made + tally.failed + (tally.inFlight || 0) < project.brief.num_candidates;
    return Boolean(tally.wasCancelled) || settledShort;
  }

  // Under a cancelled project's cards, the logos it never started: there is no card to say so.
  function renderNotStarted() {
    const project = state.project;
    const tally = state.tallies.get(project.id);
    const missing = tally && wasCancelled(project, tally) ? Math.max(0, project.brief.num_candidates - tally.candidates) : 0;
    let text = "";
    if (missing && tally.candidates === 0) {
      text = missing === 1 ? "The logo was cancelled before it was started." : `All ${missing} logos were cancelled before they were started.`;
    } else if (missing) {
      text = missing === 1 ? "The other logo was cancelled before it was started." : `The other ${missing} logos were cancelled before they were started.`;
    }
    const note = $("not-started");
    if (note.textContent !== text) note.textContent = text;
    note.hidden = !text;
  }

  // "Generating · 1 of 4 logos": the project's badge and its line in the list.
  function statusLine(project) {
    return `${statusLabel(project.status)} · ${logoCount(project)}`;
  }

  // What the end of the stream says: "Done: 3 logos.", "Cancelled: 1 of 4 logos."
  function settledText() {
    const project = state.project;
    const reason = project.status === "failed" && project.error ? ` ${project.error.message}` : "";
    return `${statusLabel(project.status)}: ${logoCount(project)}.${reason}`;
  }

  // The badge and the list's line follow every logo of the open project.
  function renderTally() {
    if (!state.project) return;
    tallyOpenProject();
    const line = statusLine(state.project);
    if ($("project-status").textContent !== line) $("project-status").textContent = line;
    renderNotStarted();
    const item = projectButton(state.project.id);
    if (item) fillProjectItem(item, state.project);
  }

  function renderProjectHeader() {
    const project = state.project;
    $("project-title").textContent = project.brief.brand_name;
    setTitle(project.brief.brand_name);
    renderTally();
    $("cancel-project").hidden = isSettled(project.status);
    const brief = project.brief;
    const bits = [brief.industry, brief.slogan, (brief.color_names || []).join(", "), (brief.style || []).join(", ")];
    const meta = [];
    bits.forEach((bit, index) => {
      if (!bit) return;
      if (meta.length) meta.push(" · ");
      meta.push(...(index === 1 ? ["“", named(bit), "”"] : [named(bit)]));
    });
    // Colour words with no colour meaning are not refused: they go to the prompt writer as
    // notes, and the page says so rather than dropping them from sight.
    const notes = (brief.color_notes || []).join(", ");
    if (notes) {
      if (meta.length) meta.push(" · ");
      meta.push("not colours, kept as notes: ", named(notes));
    }
    $("project-meta").replaceChildren(...meta);
    const failed = project.error ? `Failed: ${project.error.message}` : "";
    if (failed) $("stream-status").textContent = failed;
  }

  function brandName() {
    return state.project ? state.project.brief.brand_name : "";
  }

  // Candidates by their place in the brief; variations by the refinement that asked for them,
  // then their place in it: each refinement numbers its own from 0, so a logo refined again
  // gets "variation 3" after the first two, which keep their names.
  function byPosition(a, b) {
    const refined = a.parent_asset_id && a.created_at && b.created_at ? Date.parse(a.created_at) - Date.parse(b.created_at) : 0;
    return (refined || 0) || (a.position - b.position) || String(a.created_at || "").localeCompare(String(b.created_at || "")) || a.id.localeCompare(b.id);
  }

  function children(parentId) {
    return Array.from(state.assets.values()).filter((a) => a.parent_asset_id === parentId).sort(byPosition);
  }

  // "candidate 2", "candidate 2, variation 1", then one level further down "candidate 2,
  // variation 1.3" (the third variation of variation 1): the candidate it comes from, then its
  // place among its siblings at each step down, as an outline numbers its sections. Unique in
  // the project (two parents' first variations are "variation 1.1" and "variation 2.1", not
  // both "variation 1 (level 2)") and short at any depth: two characters a refinement, where
  // naming every step ("candidate 2, variation 1, variation 3, …") grew by a phrase.
  function labelOf(asset) {
    if (!asset.parent_asset_id) {
      const index = children(null).findIndex((other) => other.id === asset.id) + 1;
      return `candidate ${index || asset.position + 1}`;
    }
    const path = [];
    let current = asset;
    const seen = new Set();
    while (current && current.parent_asset_id && !seen.has(current.id)) {
      seen.add(current.id);
      const id = current.id;
      path.unshift(children(current.parent_asset_id).findIndex((other) => other.id === id) + 1 || current.position + 1);
      current = state.assets.get(current.parent_asset_id);
    }
    // (A parent not loaded: where the path starts is not known.)
    if (!current || current.parent_asset_id) return `an earlier logo, variation ${path.join(".")}`;
    return `${labelOf(current)}, variation ${path.join(".")}`;
  }

  function altOf(asset) {
    return `${brandName()} logo, ${labelOf(asset)}`;
  }

  function shortLabel(asset) {
    const label = labelOf(asset);
    const last = label.split(", ").pop();
    return capitalise(last);
  }

  function upsertAsset(asset) {
    const previous = state.assets.get(asset.id);
    if (previous && previous.status === "completed" && asset.status !== "completed") return;
    if (previous && asset.queue_position == null && asset.status === "queued") {
      asset.queue_position = previous.queue_position;
    }
    state.assets.set(asset.id, Object.assign({}, previous || {}, asset));
    renderAsset(state.assets.get(asset.id));
    if (!previous || previous.status !== asset.status) renderTally();
    // Siblings' labels depend on their order, which only a new logo changes: refresh those
    // already shown then (redrawing them on every update re-created broken images, each
    // asking for a fresh URL, and so on around the siblings).
    if (!previous) {
      for (const sibling of children(asset.parent_asset_id)) {
        if (sibling.id !== asset.id) relabel(sibling);
      }
    }
    if (state.selected === asset.id || (state.selected && isAncestorOf(asset, state.selected))) {
      renderDetail();
    } else if (state.selected && asset.parent_asset_id) {
      renderLineage();
    }
  }

  function isAncestorOf(asset, id) {
    let current = state.assets.get(id);
    while (current && current.parent_asset_id) {
      if (current.parent_asset_id === asset.id) return true;
      current = state.assets.get(current.parent_asset_id);
    }
    return false;
  }

  function cardOf(id) {
    return $("candidates").querySelector(`li.card[data-asset-id="${id}"]`);
  }

  function renderAsset(asset) {
    let card = cardOf(asset.id);
    if (!card) {
      card = el("li", { className: "card" });
      card.dataset.assetId = asset.id;
      const container = asset.parent_asset_id ? variationsOf(asset.parent_asset_id) : $("candidates");
      const siblings = Array.from(container.children);
      const after = siblings.find((node) => {
        const other = state.assets.get(node.dataset.assetId);
        return other && byPosition(asset, other) < 0;
      });
      container.insertBefore(card, after || null);
    }
    const signature = `${asset.status}|${asset.queue_position}|${asset.error && asset.error.message}|${altOf(asset)}`;
    if (card.dataset.signature === signature) return;
    card.dataset.signature = signature;
    const kept = card.querySelector(":scope > ul.variations") || el("ul", { className: "variations" });
    kept.setAttribute("aria-label", `Variations of ${labelOf(asset)}`);
    const parts = [keptTile(card, asset) || tileOf(asset), el("p", { className: "caption", textContent: captionOf(asset) })];
    if (retryable(asset)) parts.push(retryButton(asset));
    card.replaceChildren(...parts, kept);
  }

  // A failed candidate can be drawn again (POST assets/{id}/retry): the same card shows it
  // queued, then drawn, as the project's stream tells. A failed variation is made again by
  // refining its parent; a cancelled project's logos are not drawn again, nor a design the
  // local engine cannot draw (it would fail the same way: the API refuses it).
  function retryable(asset) {
    if (asset.error && asset.error.code === "design_rejected") return false;
    return asset.status === "failed" && !asset.parent_asset_id && !(state.project && state.project.status === "cancelled");
  }

  function retryButton(asset) {
    const button = el("button", { type: "button", className: "retry quiet", textContent: "Try again" });
    button.setAttribute("aria-label", `Try again: ${altOf(asset)}`);
    button.addEventListener("click", () => retryAsset(asset.id, button));
    return button;
  }

  async function retryAsset(assetId, button) {
    const project = state.project;
    $("project-error").textContent = "";
    button.disabled = true;
    button.textContent = "Trying again…";
    try {
      const accepted = await api(`assets/${assetId}/retry`, { method: "POST" });
      if (!state.project || state.project.id !== accepted.project_id) return;
      upsertAsset(accepted.asset);
      state.project.status = "generating";
      renderProjectHeader();
      upsertProjectItem(state.project);
      follow(accepted.project_id, accepted.stream_url);
      refreshUsage();
      tellOtherTabs({ changed: accepted.project_id });
      // The button went with the failure: keep the focus on the logo being drawn again.
      const card = cardOf(assetId);
      if (card) {
        card.tabIndex = -1;
        card.focus();
      }
    } catch (error) {
      if (error.status === 404 && project) forgetProject(project.id);
      else if (error.status !== 401) $("project-error").textContent = error.message;
      button.disabled = false;
      button.textContent = "Try again";
      refocus(button);
    }
  }

  // A logo already shown stays the same <img> when its card is redrawn (a sibling arrived, a
  // new stream's snapshot signed its URL afresh): a new one would be blank until fetched again.
  function keptTile(card, asset) {
    const tile = card.querySelector(":scope > button.tile");
    const img = tile && tile.querySelector("img");
    // (One not loaded yet, lazily below the fold, takes the fresh URL: the old one expires.)
    if (!img || !img.complete || !img.naturalWidth || asset.status !== "completed" || !asset.image_url) return null;
    img.alt = altOf(asset);
    tile.setAttribute("aria-pressed", String(state.selected === asset.id));
    return tile;
  }

  function relabel(asset) {
    const card = cardOf(asset.id);
    if (card) {
      card.dataset.signature = "";
      renderAsset(asset);
    }
    relabelVariations(asset);
  }

  // Variations' labels follow their parent's ("variation 2.1" is variation 2's first): redrawn
  // only where the label changed (a card's signature has its alt text).
  function relabelVariations(asset) {
    for (const child of children(asset.id)) {
      if (cardOf(child.id)) renderAsset(child);
      relabelVariations(child);
    }
  }

  function variationsOf(parentId) {
    let parentCard = cardOf(parentId);
    if (!parentCard) {
      const parent = state.assets.get(parentId);
      if (parent) {
        renderAsset(parent);
        parentCard = cardOf(parentId);
      }
    }
    if (!parentCard) return $("candidates");
    let list = parentCard.querySelector(":scope > ul.variations");
    if (!list) {
      list = el("ul", { className: "variations" });
      parentCard.append(list);
    }
    return list;
  }

  function tileOf(asset) {
    if (asset.status === "completed" && asset.image_url) {
      // The grid's copy (thumbnail_url, a few hundred pixels); the detail and the downloads
      // have the full-size image.
      const img = el("img", { src: tileUrl(asset), alt: altOf(asset), loading: "lazy", decoding: "async" });
      // Said under the image until it has arrived: a blank tile under "Done" looked broken.
      const loading = el("span", { className: "tile-loading", textContent: "Loading…" });
      loading.setAttribute("aria-hidden", "true");
      img.addEventListener("error", () => {
        loading.remove(); // a broken image says so, in its alt text
        reloadImage(img, asset.id, tileUrl);
      });
      img.addEventListener("load", () => {
        delete img.dataset.reloaded;
        loading.remove();
      });
      const button = el("button", { type: "button", className: "tile" }, [loading, img]);
      button.setAttribute("aria-pressed", String(state.selected === asset.id));
      button.addEventListener("click", () => select(asset.id));
      return button;
    }
    const text = placeholderText(asset);
    const box = el("div", { className: `tile placeholder ${asset.status}`, textContent: text });
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", `${brandName()} ${labelOf(asset)}: ${text}`);
    return box;
  }

  function placeholderText(asset) {
    switch (asset.status) {
      case "queued":
        return asset.queue_position ? `Queued, number ${asset.queue_position} in line` : "Queued";
      case "generating":
        return "Generating…";
      case "failed":
        return `Failed: ${asset.error ? asset.error.message : "no reason given"}`;
      case "cancelled":
        return "Cancelled";
      default:
        return asset.status;
    }
  }

  function captionOf(asset) {
    const label = capitalise(labelOf(asset).split(", ").pop());
    if (asset.instruction) return `${label}: “${asset.instruction}”`;
    return label;
  }

  // ---- the stream ---------------------------------------------------------------------------

  function closeStream() {
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
  }

  // EventSource on the stream URL (it carries its own stream token); without one (a
  // reopened project), fetch with the Authorization header. Either resumes after a drop.
  function follow(projectId, streamUrl) {
    closeStream();
    state.echo = false;
    // Not what the last stream's end said ("Done: 3 logos.") while this one connects.
    $("stream-status").textContent = "Connecting…";
    const handlers = {
      event: (type, data, id) => onEvent(projectId, type, data, id),
      status: (text) => {
        $("stream-status").textContent = text;
      },
      gone: () => forgetProject(projectId),
    };
    state.stream = streamUrl ? eventSource(sameOrigin(streamUrl), projectId, handlers) : fetchStream(projectId, handlers);
  }

  function eventSource(url, projectId, handlers) {
    const source = new EventSource(url);
    let fallback = null;
    const control = {
      close() {
        source.close();
        if (fallback) fallback.close();
      },
    };
    source.onopen = () => handlers.status("Live: logos appear as they are made.");
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (an expired stream token, a server error): carry on with the header.
        handlers.status("Reconnecting…");
        fallback = fetchStream(projectId, handlers);
      } else {
        handlers.status("Connection lost; reconnecting…");
      }
    };
    for (const type of EVENTS) {
      source.addEventListener(type, (message) => {
        let data;
        try {
          data = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        handlers.event(type, data, message.lastEventId);
        if (type === "done") source.close();
      });
    }
    return control;
  }

  function fetchStream(projectId, handlers) {
    let stopped = false;
    let controller = null;
    let retry = RETRY_MS;
    const run = async () => {
      while (!stopped) {
        controller = new AbortController();
        const headers = { Accept: "text/event-stream", Authorization: `Bearer ${state.token}` };
        if (state.lastEventId) headers["Last-Event-ID"] = String(state.lastEventId);
        let finished = false;
        let lost = "Connection lost; reconnecting…";
        let wait = retry;
        try {
          const response = await fetch(`${API}/projects/${projectId}/stream`, { headers, signal: controller.signal });
          if (response.status === 401) {
            sessionEnded((await errorMessage(response)) || "your sign-in is no longer accepted.");
            return;
          }
          if (response.status === 404) {
            // Deleted: no retry will bring it back.
            stopped = true;
            handlers.gone();
            return;
          }
          if (!response.ok || !response.body) {
            // Refused (too many streams open in other tabs, the service unavailable): the
            // API's words, which say what to do, and its Retry-After; not "connection lost".
            const refusal = await errorMessage(response);
            if (refusal) lost = `${refusal} This page tries again by itself.`;
            const after = Number(response.headers.get("Retry-After"));
            if (after > 0) wait = after * 1000;
            throw new Error(`HTTP ${response.status}`);
          }
          handlers.status("Live: logos appear as they are made.");
          finished = await readEvents(response.body, (frame) => {
            if (frame.retry) retry = frame.retry;
            if (!frame.event) return false;
            let data;
            try {
              data = JSON.parse(frame.data);
            } catch (error) {
              return false;
            }
            handlers.event(frame.event, data, frame.id);
            return frame.event === "done";
          });
        } catch (error) {
          if (stopped) return;
        }
        if (finished || stopped) return;
        handlers.status(lost);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    };
    run();
    return {
      close() {
        stopped = true;
        if (controller) controller.abort();
      },
    };
  }

  // The API's error message of a refused response, or null (not JSON: a proxy's page).
  async function errorMessage(response) {
    try {
      const body = await response.json();
      return (body && body.error && body.error.message) || null;
    } catch (error) {
      return null;
    }
  }

  // Parse text/event-stream; `onFrame` returns true to stop (after `done`).
  async function readEvents(body, onFrame) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let frame = { data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        if (line === "") {
          const complete = { event: frame.event, id: frame.id, retry: frame.retry, data: frame.data.join("\n") };
          frame = { data: [] };
          if ((complete.event || complete.data || complete.retry) && onFrame(complete)) {
            reader.cancel();
            return true;
          }
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value2 = colon < 0 ? "" : line.slice(colon + 1);
        if (value2.startsWith(" ")) value2 = value2.slice(1);
        if (field === "data") frame.data.push(value2);
        else if (field === "event") frame.event = value2;
        else if (field === "id") frame.id = value2;
        else if (field === "retry" && /^\d+$/.test(value2)) frame.retry = Number(value2);
      }
    }
  }

  function onEvent(projectId, type, data, id) {
    if (!state.project || state.project.id !== projectId) return;
    const sequence = Number(id);
    if (sequence > state.lastEventId) state.lastEventId = sequence;
    switch (type) {
      case "snapshot":
        state.project = summaryOf(data.project);
        renderProjectHeader();
        renderInspiration(data.project);
        for (const asset of data.project.assets) upsertAsset(asset);
        break;
      case "asset":
        upsertAsset(data.asset);
        break;
      case "project":
        state.project = summaryOf(data.project);
        renderProjectHeader();
        upsertProjectItem(state.project);
        break;
      case "queue":
        for (const place of data.positions) {
          const asset = state.assets.get(place.asset_id);
          if (asset && asset.status === "queued") {
            upsertAsset(Object.assign({}, asset, { queue_position: place.queue_position }));
          }
        }
        break;
      case "done": {
        if (data.deleted) {
          // Deleted elsewhere while it was shown: its logos and files are gone.
          forgetProject(projectId);
          break;
        }
        state.project.status = data.status;
        renderProjectHeader();
        upsertProjectItem(state.project);
        refreshUsage(); // a failure or a cancel gave images back
        if (!state.echo) tellOtherTabs({ changed: projectId });
        $("stream-status").textContent = settledText();
        $("refine-status").textContent = ""; // the variations it announced are there (or failed)
        if (state.stream) {
          state.stream.close();
          state.stream = null;
        }
        break;
      }
      default:
        break;
    }
  }

  // ---- cancelling and deleting --------------------------------------------------------------

  async function cancelProject() {
    const project = state.project;
    if (!project) return;
    const button = $("cancel-project");
    $("project-error").textContent = "";
    button.disabled = true;
    button.textContent = "Cancelling…";
    try {
      const cancelled = await api(`projects/${project.id}/cancel`, { method: "POST" });
      if (state.project && state.project.id === project.id) refreshProject(cancelled);
      refreshUsage();
      tellOtherTabs({ changed: project.id });
    } catch (error) {
      if (error.status === 409) {
        // It finished before the cancel arrived: show it as it is, and say so.
        notice(["“", named(project.brief.brand_name), "” had already finished: there was nothing to cancel."]);
        try {
          const now = await api(`projects/${project.id}`);
          if (state.project && state.project.id === project.id) refreshProject(now);
        } catch (again) {
          if (again.status === 404) forgetProject(project.id);
        }
      } else if (error.status === 404) {
        forgetProject(project.id);
      } else if (error.status !== 401) {
        $("project-error").textContent = error.message;
      }
    } finally {
      button.disabled = false;
      button.textContent = "Cancel generation";
      refocus(button);
    }
    // The button is gone once the project settled: keep the focus on the page.
    if (button.hidden && state.project && state.project.id === project.id) $("project-title").focus();
  }

  function askDelete() {
    const project = state.project;
    if (!project) return;
    const dialog = $("delete-dialog");
    dialog.dataset.projectId = project.id;
    $("delete-text").replaceChildren(
      "“", named(project.brief.brand_name),
      "”, its logos (variations included) and its inspiration images will be deleted. This cannot be undone.",
    );
    $("delete-error").textContent = "";
    dialog.showModal();
    $("delete-keep").focus(); // the safe choice has the focus: a second Enter keeps the project
  }

  async function confirmDelete(event) {
    // The second click of a double click (on "Delete project…", or here) is not a decision.
    if (event.detail > 1) return;
    const dialog = $("delete-dialog");
    const projectId = dialog.dataset.projectId;
    const project = state.project && state.project.id === projectId ? state.project : null;
    const name = project ? project.brief.brand_name : "The project";
    const button = $("delete-confirm");
    button.disabled = true;
    // Its stream would answer 404 and call it "deleted elsewhere": stop following it first.
    if (project) closeStream();
    try {
      await api(`projects/${projectId}`, { method: "DELETE" });
    } catch (error) {
      if (error.status === 404) {
        dialog.close();
        forgetProject(projectId);
        return;
      }
      if (error.status !== 401) $("delete-error").textContent = error.message;
      if (project && state.project === project && !isSettled(project.status)) follow(project.id, null);
      return;
    } finally {
      button.disabled = false;
      if (dialog.open) refocus(button);
    }
    dialog.close();
    removeProjectItem(projectId);
    refreshUsage();
    tellOtherTabs({ deleted: projectId });
    if (projectIdInUrl() === projectId) setUrlProject(null, "replace");
    if (!state.project || state.project.id === projectId) newProject({ history: "none" });
    notice(["Deleted “", named(name), "”."]);
  }

  // ---- the selected logo --------------------------------------------------------------------

  function select(assetId) {
    const previous = state.selected;
    state.selected = assetId;
    for (const id of [previous, assetId]) {
      const tile = id && cardOf(id) && cardOf(id).querySelector(":scope > button.tile");
      if (tile) tile.setAttribute("aria-pressed", String(id === assetId));
    }
    clearErrors(REFINE_FIELDS, "refine-error");
    $("refine-status").textContent = "";
    renderDetail();
    $("detail").hidden = false;
    $("detail-title").focus();
    $("detail").scrollIntoView({ block: "nearest" });
  }

  function chainOf(assetId) {
    const chain = [];
    let current = state.assets.get(assetId);
    while (current) {
      chain.unshift(current);
      current = current.parent_asset_id ? state.assets.get(current.parent_asset_id) : null;
    }
    return chain;
  }

  function renderDetail() {
    const asset = state.assets.get(state.selected);
    if (!asset) return;
    $("detail-title").textContent = capitalise(labelOf(asset));
    const image = $("detail-image");
    if (asset.image_url && image.dataset.assetId !== asset.id) {
      // The last logo stays drawn until this one has arrived: hidden meanwhile, so the
      // heading never names a logo that is not the one shown.
      image.classList.add("loading");
      image.src = asset.image_url;
      image.dataset.assetId = asset.id;
    }
    image.alt = `${altOf(asset)}, enlarged`;
    $("detail-prompt").textContent = asset.prompt || "(the prompt is being written)";
    $("detail-instruction").textContent = asset.instruction ? `Instruction: ${asset.instruction}` : "";
    $("detail-editor").textContent = editorNote(asset);
    renderLineage();
    renderDownloads(asset);
  }

  // What the local editor did not act on (metadata.editor, see the README): without it, a
  // variation of an instruction it could not follow looks like an unrelated change.
  function editorNote(asset) {
    const editor = asset.metadata && asset.metadata.editor;
    const missed = editor && Array.isArray(editor.not_understood) ? editor.not_understood : [];
    if (!missed.length) return "";
    const applied = Array.isArray(editor.applied) ? editor.applied : [];
    const quoted = missed.map((part) => `“${part}”`).join(", ");
    const done = applied.length ? ` What it changed: ${applied.join("; ")}.` : "";
    return `Not understood or not possible here: ${quoted}.${done}`;
  }

  function renderLineage() {
    const list = $("lineage-list");
    const chain = chainOf(state.selected);
    const focusedId = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.lineageId : null;
    list.replaceChildren();
    chain.forEach((asset) => {
      const text = asset.instruction ? `${shortLabel(asset)}: “${asset.instruction}”` : shortLabel(asset);
      const button = el("button", { type: "button", textContent: text });
      button.dataset.lineageId = asset.id;
      if (asset.id === state.selected) button.setAttribute("aria-current", "true");
      button.addEventListener("click", () => select(asset.id));
      list.append(el("li", {}, [button]));
      if (focusedId === asset.id) button.focus();
    });
  }

  // A file name's words from `text`: letters (of any script, with their marks) and digits,
  // lower-cased where the script has case, between hyphens; everything else (spaces,
  // punctuation, / \ : * ? " < > |, control characters, symbols) becomes a hyphen. At most
  // 60 characters, so a long name in a 3-byte script stays well inside 255 bytes.
  function slugify(text) {
    const words = String(text).normalize("NFC").toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "");
    return Array.from(words).slice(0, 60).join("").replace(/-+$/, "");
  }

  // The selected logo's downloads. Updated in place (the focus, or a pointer over a link,
  // stays) when the logo's URLs are signed afresh.
  function renderDownloads(asset) {
    const box = $("downloads");
    if (box.dataset.assetId !== asset.id) box.replaceChildren();
    box.dataset.assetId = asset.id;
    // "珈琲工房-ひかり-candidate-2", "juniper-ash-candidate-2-variation-1"; "logo-..." when the
    // brand name has no letter or digit.
    const slug = `${slugify(brandName()) || "logo"}-${slugify(labelOf(asset))}`;
    const wanted = [
      ["image_url", "Download PNG", `${slug}.png`],
      ["svg_url", "Download SVG", `${slug}.svg`],
      ["brand_kit_url", "Brand kit", `${slug}-brand-kit.zip`],
    ].filter(([key]) => asset[key]);
    for (const node of Array.from(box.children)) {
      if (!wanted.some(([key]) => key === node.dataset.key)) node.remove();
    }
    let previous = null;
    for (const [key, text, file] of wanted) {
      let item = box.querySelector(`[data-key="${key}"]`);
      if (!item) {
        item = key === "brand_kit_url" ? brandKitButton(asset.id, text) : downloadLink(asset.id, key, text);
        box.insertBefore(item, previous ? previous.nextSibling : box.firstChild); // in the order above
      }
      item.dataset.file = file;
      if (key !== "brand_kit_url") {
        item.href = ownFileUrl(asset[key]);
        item.setAttribute("download", file);
      }
      previous = item;
    }
    keepLinksFresh(asset);
  }

  // A PNG or SVG link. A click (Ctrl/Cmd/Shift-click too) saves the logo under the page's
  // name, its URLs asked afresh first. A middle click, "Open in new tab", "Save link as" or
  // "Copy link" use the href itself: a signed URL that expires (an hour by default), so it
  // is renewed before then (keepLinksFresh); a middle click on one found expired anyway
  // (the computer slept, and the page's timers with it) saves the logo as a click does.
  function downloadLink(assetId, key, text) {
    const a = el("a", { textContent: text, rel: "noopener" });
    a.dataset.key = key;
    a.addEventListener("click", (event) => {
      event.preventDefault();
      downloadFresh(a, assetId, key);
    });
    a.addEventListener("auxclick", (event) => {
      const expiry = expiryOf(a.href);
      if (event.button !== 1 || expiry === null || expiry - Date.now() > LINK_STALE_MS) return;
      event.preventDefault();
      downloadFresh(a, assetId, key);
    });
    // About to be clicked or opened: renewed now if it is close to expiring.
    for (const type of ["pointerenter", "focus", "contextmenu"]) {
      a.addEventListener(type, () => renewLinksIfDue(assetId));
    }
    return a;
  }

  // The brand kit needs the bearer token, which a link opened in a new tab does not send: a
  // button, not a link that could only open an error. Saved under the page's name, like the
  // PNG and SVG: the API's name keeps ASCII letters only (a Japanese brand's kit is
  // "brand-kit.zip") and not which logo it is.
  function brandKitButton(assetId, text) {
    const button = el("button", { type: "button", textContent: text });
    button.dataset.key = "brand_kit_url";
    button.addEventListener("click", () => {
      const asset = state.assets.get(assetId);
      if (asset && asset.brand_kit_url) downloadWithToken(button, asset.brand_kit_url, button.dataset.file);
    });
    return button;
  }

  // When a signed URL stops working, in the page's clock (ms), or null when it does not say:
  // the local storage's `expires` (seconds), Supabase Storage's `token` (a JWT's `exp`).
  function expiryOf(url) {
    let query;
    try {
      query = new URL(url, window.location.href).searchParams;
    } catch (error) {
      return null;
    }
    const expires = query.has("expires") ? Number(query.get("expires")) : (claimsOf(query.get("token") || "") || {}).exp;
    return Number.isFinite(expires) && expires > 0 ? expires * 1000 - state.clockOffset : null;
  }

  // The earliest expiry of the selected logo's download links (null: not known, or none).
  function linksExpiry(asset) {
    const expiries = [asset.image_url, asset.svg_url].filter(Boolean).map(expiryOf).filter((at) => at !== null);
    return expiries.length ? Math.min(...expiries) : null;
  }

  // How long until a link expiring at `expiry` is due to be renewed (a second more early:
  // the server's clock is known to the second).
  function renewalDue(expiry) {
    const left = expiry - Date.now();
    return left - Math.min(LINK_MARGIN_MS, left / 4) - 1000;
  }

  function keepLinksFresh(asset) {
    clearTimeout(state.linkTimer);
    state.linkTimer = null;
    const expiry = linksExpiry(asset);
    if (expiry === null) return;
    // Timers of a background tab are slowed down, and stop while the computer sleeps: the
    // tab coming back (visibilitychange) and a pointer or the focus on a link check again.
    state.linkTimer = setTimeout(() => renewLinks(asset.id), Math.max(renewalDue(expiry), MIN_RENEW_MS));
  }

  function renewLinksIfDue(assetId) {
    const asset = state.assets.get(assetId);
    const expiry = asset && linksExpiry(asset);
    if (expiry && renewalDue(expiry) <= 0) renewLinks(assetId);
  }

  // The selected logo's URLs signed afresh, quietly: a failure is said when a link is used.
  async function renewLinks(assetId) {
    if (state.selected !== assetId || $("detail").hidden || state.renewing === assetId) return;
    state.renewing = assetId;
    try {
      const fresh = await api(`assets/${assetId}`);
      if (state.assets.has(assetId)) upsertAsset(fresh); // renderDetail: the links, renewed
    } catch (error) {
      if (error.status === 404 && state.project && state.assets.has(assetId)) forgetProject(state.project.id);
    } finally {
      state.renewing = null;
    }
  }

  // A file on another origin (Supabase Storage) cannot be saved under the page's name: the
  // browser opens it instead, in a tab of its own rather than in place of the studio.
  function save(url, fileName) {
    const link = el("a", { href: ownFileUrl(url), target: "_blank", rel: "noopener" });
    link.setAttribute("download", fileName);
    document.body.append(link);
    link.click();
    link.remove();
  }

  // The logo as the API has it now: its URLs signed afresh (those the page holds expire), or
  // null when it is gone (its project deleted elsewhere: the page then leaves it).
  async function freshAsset(assetId) {
    const project = state.project;
    try {
      const fresh = await api(`assets/${assetId}`);
      if (state.project && state.assets.has(assetId)) upsertAsset(fresh);
      return fresh;
    } catch (error) {
      if (error.status === 404 && project) forgetProject(project.id);
      else if (error.status !== 401) $("refine-error").textContent = error.message;
      return null;
    }
  }

  // One save per link at a time: on a slow connection nothing is seen until the fresh URL
  // is here, and a second click ("did it work?") saved the logo twice.
  async function downloadFresh(link, assetId, key) {
    if (link.getAttribute("aria-busy")) return;
    link.setAttribute("aria-busy", "true");
    try {
      const fresh = await freshAsset(assetId);
      if (fresh && fresh[key]) save(fresh[key], link.dataset.file);
    } finally {
      link.removeAttribute("aria-busy");
    }
  }

  // A logo shown after its URL expired (a tab left open, then a logo selected or scrolled
  // to) is a broken image: ask for a fresh URL, once per logo and <img>.
  async function reloadImage(img, assetId, urlOf = (asset) => asset.image_url) {
    if (!assetId || img.dataset.reloaded === assetId) return;
    img.dataset.reloaded = assetId;
    const fresh = await freshAsset(assetId);
    if (fresh && urlOf(fresh) && img.isConnected) img.src = urlOf(fresh);
  }

  // A tile's image: the smaller copy, or the image itself from a gateway that makes none.
  function tileUrl(asset) {
    return asset.thumbnail_url || asset.image_url;
  }

  async function downloadWithToken(button, kitUrl, fileName) {
    if (button.getAttribute("aria-busy")) return; // one kit at a time
    const label = button.textContent;
    const project = state.project;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Preparing the brand kit…";
    try {
      const response = await fetch(sameOrigin(kitUrl), { headers: { Authorization: `Bearer ${state.token}` } });
      if (response.status === 404 && project) {
        forgetProject(project.id); // deleted elsewhere, with its logos and files
        return;
      }
      if (!response.ok) {
        let message = `The download failed (HTTP ${response.status}).`;
        try {
          message = (await response.json()).error.message || message;
        } catch (error) {
          // not JSON: keep the status line
        }
        $("refine-error").textContent = message;
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      save(url, fileName);
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } finally {
      button.textContent = label;
      button.removeAttribute("aria-busy");
    }
  }

  async function submitRefine(event) {
    event.preventDefault();
    clearErrors(REFINE_FIELDS, "refine-error");
    $("refine-status").textContent = "";
    const assetId = state.selected;
    const project = state.project;
    const count = Number($("field-num_variations").value);
    const body = JSON.stringify({
      instruction: $("field-instruction").value,
      num_variations: Number.isFinite(count) && $("field-num_variations").value !== "" ? count : 2,
    });
    const button = $("refine");
    button.disabled = true;
    try {
      const accepted = await api(`assets/${assetId}/refine`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
      for (const variation of accepted.variations) upsertAsset(variation);
      state.project.status = "generating";
      renderProjectHeader();
      follow(accepted.project_id, accepted.stream_url);
      refreshUsage();
      tellOtherTabs({ changed: accepted.project_id });
      $("field-instruction").value = "";
      // Said here, by the button: the variations appear with their parent, which on a phone
      // (or under eight candidates) is far above, out of sight.
      const parent = state.assets.get(assetId);
      const made = accepted.variations.length;
      const under = parent ? `under “${capitalise(labelOf(parent))}”` : "under their logo";
      $("refine-status").textContent = made === 1
        ? `Making 1 variation: it will appear ${under} once it is made.`
        : `Making ${made} variations: they will appear ${under} as they are made.`;
      $("refine-status").scrollIntoView({ block: "nearest" });
    } catch (error) {
      // Its logo is gone only with its project (deleted in another tab, the CLI, the API):
      // say that, not "Asset <uuid> not found".
      if (error.status === 404 && project) forgetProject(project.id);
      else if (error.status !== 401) showErrors(error, REFINE_FIELDS, "refine-error");
    } finally {
      button.disabled = false;
      refocus(button);
    }
  }

  // ---- wiring -------------------------------------------------------------------------------

  function wire() {
    $("dev-button").addEventListener("click", devSignIn);
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = $("access-token").value.trim();
      if (!token) {
        $("access-token-error").textContent = "Paste an access token first.";
        $("access-token").setAttribute("aria-invalid", "true");
        $("access-token").focus();
        return;
      }
      signIn(token, null);
    });
    $("sign-out").addEventListener("click", () => signOut("Signed out."));
    $("new-project").addEventListener("click", () => {
      notice("");
      newProject();
    });
    window.addEventListener("popstate", followUrl);
    if (otherTabs) otherTabs.addEventListener("message", heardFromAnotherTab);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && state.selected) renewLinksIfDue(state.selected);
    });
    window.addEventListener("hashchange", followUrl);
    $("more-projects").addEventListener("click", () => loadProjects(true));
    $("field-inspiration_images").addEventListener("change", imagesChosen);
    $("brief-form").addEventListener("submit", submitBrief);
    for (const type of ["input", "change"]) {
      $("brief-form").addEventListener(type, () => {
        state.briefKey = null;
      });
    }
    $("refine-form").addEventListener("submit", submitRefine);
    $("detail-image").addEventListener("error", () => {
      $("detail-image").classList.remove("loading"); // a broken image says so, in its alt text
      reloadImage($("detail-image"), $("detail-image").dataset.assetId);
    });
    $("detail-image").addEventListener("load", () => {
      delete $("detail-image").dataset.reloaded;
      $("detail-image").classList.remove("loading");
    });
    $("detail-close").addEventListener("click", () => {
      const id = state.selected;
      state.selected = null;
      $("detail").hidden = true;
      const tile = id && cardOf(id) && cardOf(id).querySelector(":scope > button.tile");
      if (tile) {
        tile.setAttribute("aria-pressed", "false");
        tile.focus();
      }
    });
    $("cancel-project").addEventListener("click", cancelProject);
    $("delete-project").addEventListener("click", askDelete);
    $("delete-keep").addEventListener("click", () => $("delete-dialog").close());
    $("delete-confirm").addEventListener("click", confirmDelete);
    $("delete-dialog").addEventListener("mousedown", (event) => {
      // A click on the backdrop or the dialog's own surface leaves the focus where it is.
      if (event.target === $("delete-dialog")) event.preventDefault();
    });
    $("delete-dialog").addEventListener("close", () => {
      if (state.project && !$("project").hidden) $("delete-project").focus();
    });
    document.addEventListener("keydown", (event) => {
      if ($("delete-dialog").open) return; // Escape closes the dialog, nothing else
      if (event.key === "Escape" && !$("detail").hidden) $("detail-close").click();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
