/* The staff workbench. Talks to /graphql/ like the apps do: queries over HTTP, replies and
 * heartbeats over the graphql-transport-ws socket, which reconnects with backoff and replays each
 * conversation from its last seq. Times are counted on the server's clock (staff PCs drift). */
"use strict";

const CFG = JSON.parse(document.getElementById("workbench-config").textContent);
const W = CFG.words;
const L = CFG.labels;
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const fmt = (text, vars) => text.replace(/%\((\w+)\)s/g, (_m, key) => String(vars[key]));
const SESSION_KEY = "nuanxin.workbench.refresh";

const S = {
  access: null, refresh: null, expiresAt: 0, offset: 0, refreshTimer: null,
  me: null, ws: null, wsReady: false, wsAttempt: 0, wsConnects: 0, wsTimer: null, nextId: 1,
  ops: new Map(), subs: new Map(),
  chats: [], tasks: [], queue: [], pool: [], colleagues: [], canned: [],
  current: null, // {type: "chat" | "task", id}
  messages: new Map(), notes: new Map(), lastSeq: new Map(), customerRead: 0,
  outbox: [], mode: "reply", view: "desk", board: null, boardTasks: [],
  typingTimer: null, lastTypingSent: 0, listsTimer: null, heartbeatTimer: null,
};

// --- Time on the server's clock -------------------------------------------------------------------

const serverNow = () => Date.now() + S.offset;

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return fmt(W.seconds, {n: s});
  const m = Math.floor(s / 60);
  if (m < 60) return fmt(W.minutes, {n: m});
  const h = Math.floor(m / 60);
  if (h < 24) return fmt(W.hours, {h, m: m % 60});
  return fmt(W.days, {d: Math.floor(h / 24), h: h % 24});
}

function slaText(dueIso) {
  const left = Date.parse(dueIso) - serverNow();
  return left >= 0 ? fmt(W.dueIn, {time: duration(left)}) : fmt(W.overdueBy, {time: duration(-left)});
}

function slaClass(task) {
  const now = serverNow();
  if (Date.parse(task.dueAt) <= now) return "overdue";
  return task.atRisk ? "at-risk" : "";
}

function tick() {
  document.querySelectorAll("[data-due]").forEach((el) => {
    el.textContent = slaText(el.dataset.due);
    const overdue = Date.parse(el.dataset.due) <= serverNow();
    el.classList.toggle("overdue", overdue);
  });
  document.querySelectorAll("[data-since]").forEach((el) => {
    const template = el.dataset.template === "served" ? W.served : W.waited;
    el.textContent = fmt(template, {time: duration(serverNow() - Date.parse(el.dataset.since))});
  });
}

// --- Messages to the person -----------------------------------------------------------------------

function toast(text, bad = false) {
  const el = document.createElement("div");
  el.className = "msg" + (bad ? " bad" : "");
  el.textContent = text;
  $("toast").appendChild(el);
  setTimeout(() => el.remove(), bad ? 8000 : 4000);
}

class ApiError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

// --- HTTP -----------------------------------------------------------------------------------------

async function post(query, variables, token) {
  const response = await fetch("/graphql/", {
    method: "POST",
    headers: {"Content-Type": "application/json", ...(token ? {Authorization: "Bearer " + token} : {})},
    body: JSON.stringify({query, variables: variables || {}}),
  });
  return response.json();
}

async function gql(query, variables, retried = false) {
  let body;
  try {
    body = await post(query, variables, S.access);
  } catch (_e) {
    throw new ApiError(W.offlineNet, "NETWORK");
  }
  if (body.errors && body.errors.length) {
    const code = body.errors[0].extensions && body.errors[0].extensions.code;
    if (code === "UNAUTHENTICATED" && !retried && S.refresh) {
      if (await refreshTokens()) return gql(query, variables, true);
    }
    throw new ApiError(body.errors[0].message, code);
  }
  return body.data;
}

// --- Session: log in, refresh before expiry, log out -----------------------------------------------

const LOGIN = `mutation Login($p: String!, $w: String!) { login(input: {phone: $p, password: $w}) {
  accessToken refreshToken expiresAt viewer { role displayName } errors { code message } } }`;
const REFRESH = `mutation Refresh($t: String!) { refreshToken(input: {refreshToken: $t}) {
  accessToken refreshToken expiresAt viewer { role displayName } errors { code message } } }`;

function keepTokens(pair) {
  S.access = pair.accessToken;
  S.refresh = pair.refreshToken;
  S.expiresAt = Date.parse(pair.expiresAt);
  sessionStorage.setItem(SESSION_KEY, S.refresh);
  document.body.dataset.tokenGeneration = String(Number(document.body.dataset.tokenGeneration || 0) + 1);
  scheduleRefresh();
}

function scheduleRefresh() {
  clearTimeout(S.refreshTimer);
  // A quarter of the token's life before it ends (at most a minute), on the server's clock.
  const left = S.expiresAt - serverNow();
  const wait = Math.max(1000, left - Math.min(60000, left / 4));
  S.refreshTimer = setTimeout(refreshTokens, wait);
}

let refreshing = null;
function refreshTokens() {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const body = await post(REFRESH, {t: S.refresh});
        const pair = body.data && body.data.refreshToken;
        if (!pair || pair.errors.length || !pair.accessToken) { sessionEnded(); return false; }
        keepTokens(pair);
        return true;
      } catch (_e) {
        // The network is down: try again soon, the token may still be valid.
        S.refreshTimer = setTimeout(refreshTokens, 5000);
        return false;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

function sessionEnded() {
  stopEverything();
  sessionStorage.removeItem(SESSION_KEY);
  showLogin(W.sessionEnded);
}

function stopEverything() {
  clearTimeout(S.refreshTimer); clearTimeout(S.wsTimer); clearInterval(S.heartbeatTimer);
  S.access = S.refresh = null;
  if (S.ws) { S.ws.onclose = null; S.ws.close(1000); S.ws = null; }
  S.wsReady = false; S.subs.clear(); S.ops.clear();
}

function showLogin(message) {
  $("login").classList.remove("hidden");
  ["desk", "board", "views", "availability-wrap", "logout"].forEach((id) => $(id).classList.add("hidden"));
  $("login-error").textContent = message || "";
}

async function start(pair) {
  keepTokens(pair);
  const role = pair.viewer && pair.viewer.role;
  if (!["STAFF", "ADMIN"].includes(role)) { sessionEnded(); $("login-error").textContent = W.staffOnly; return; }
  $("login").classList.add("hidden");
  $("desk").classList.remove("hidden");
  ["views", "availability-wrap", "logout"].forEach((id) => $(id).classList.remove("hidden"));
  await loadProfile();
  await heartbeat(true);
  connect();
  subscribe("staff", STAFF_EVENTS, () => ({}), onStaffEvent);
  S.heartbeatTimer = setInterval(() => heartbeat(false), CFG.heartbeatSeconds * 1000);
  await Promise.all([refreshLists(), loadCanned(), loadColleagues()]);
  showWork();
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    const body = await post(LOGIN, {p: $("phone").value.trim(), w: $("password").value});
    const login = body.data && body.data.login;
    if (!login || login.errors.length) {
      $("login-error").textContent = login && login.errors.length ? login.errors[0].message : W.loginFailed;
      return;
    }
    $("password").value = "";
    await start(login);
  } catch (_e) {
    $("login-error").textContent = W.offlineNet;
  }
});

$("logout").addEventListener("click", async () => {
  try {
    await gql(`mutation { setAvailability(input: {status: OFFLINE}) { errors { message } } }`);
    await gql(`mutation { logout { ok errors { message } } }`);
  } catch (_e) { /* leaving anyway */ }
  stopEverything();
  sessionStorage.removeItem(SESSION_KEY);
  showLogin("");
});

// --- The socket: graphql-transport-ws with reconnection -------------------------------------------

function setLink(state) {
  $("link").dataset.state = state;
  $("link").textContent = state === "up" ? W.connected : W.reconnecting;
}

function connect() {
  clearTimeout(S.wsTimer);
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql/", "graphql-transport-ws");
  S.ws = ws;
  S.wsReady = false;
  ws.onopen = () => ws.send(JSON.stringify({type: "connection_init", payload: {authorization: "Bearer " + S.access}}));
  ws.onmessage = (event) => onFrame(JSON.parse(event.data));
  ws.onclose = (event) => onClose(ws, event);
}

function onFrame(frame) {
  if (frame.type === "connection_ack") {
    S.wsReady = true;
    S.wsAttempt = 0;
    S.wsConnects += 1;
    document.body.dataset.wsConnects = String(S.wsConnects);
    setLink("up");
    for (const sub of S.subs.values()) sendSubscribe(sub);
    retryOutbox(true);
    if (S.wsConnects > 1) {
      refreshLists();
      heartbeat(false);
      if (S.current && S.current.type === "chat") loadNotes(S.current.id);
    }
    return;
  }
  if (frame.type === "ping") { S.ws.send(JSON.stringify({type: "pong"})); return; }
  const op = S.ops.get(frame.id);
  if (!op) return;
  if (frame.type === "next") {
    if (frame.payload.errors && frame.payload.errors.length && !frame.payload.data) {
      const e = frame.payload.errors[0];
      op.fail(new ApiError(e.message, e.extensions && e.extensions.code));
    } else op.next(frame.payload.data);
  } else if (frame.type === "error") {
    op.fail(new ApiError(frame.payload[0] ? frame.payload[0].message : W.error, "ERROR"));
  } else if (frame.type === "complete") {
    S.ops.delete(frame.id);
    op.done && op.done();
  }
}

async function onClose(ws, event) {
  if (S.ws !== ws) return;
  S.wsReady = false;
  setLink("down");
  // Operations in flight on this socket did not answer: their callers decide (replies are retried).
  for (const [id, op] of S.ops) { if (!op.sub) op.fail(new ApiError(W.sendFailed, "NETWORK")); S.ops.delete(id); }
  if (!S.access) return;
  if (event.code === 4403) { sessionEnded(); return; }
  let delay = 0;
  if (event.code === 4401) {
    // The socket's token ended: straight back with the fresh one (refreshed first if it is not).
    if (S.expiresAt - serverNow() < 5000 && !(await refreshTokens())) return;
  } else {
    delay = Math.min(10000, 500 * 2 ** S.wsAttempt) * (0.8 + Math.random() * 0.4);
    S.wsAttempt += 1;
  }
  S.wsTimer = setTimeout(connect, delay);
}

function sendFrame(frame) {
  if (S.wsReady && S.ws.readyState === WebSocket.OPEN) { S.ws.send(JSON.stringify(frame)); return true; }
  return false;
}

// A subscription kept across reconnects: `variables()` is asked each time (chat replays from its last seq).
function subscribe(key, query, variables, onData) {
  unsubscribe(key);
  const sub = {key, query, variables, onData, id: null};
  S.subs.set(key, sub);
  sendSubscribe(sub);
}

function sendSubscribe(sub) {
  const id = String(S.nextId++);
  sub.id = id;
  S.ops.set(id, {sub: true, next: (data) => sub.onData(data), fail: (err) => console.warn(sub.key, err.message)});
  sendFrame({id, type: "subscribe", payload: {query: sub.query, variables: sub.variables()}});
}

function unsubscribe(key) {
  const sub = S.subs.get(key);
  if (!sub) return;
  S.subs.delete(key);
  if (sub.id) { S.ops.delete(sub.id); sendFrame({id: sub.id, type: "complete"}); }
}

// One query or mutation over the socket; rejects if the socket is down or drops before the answer.
function wsRequest(query, variables, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const id = String(S.nextId++);
    let settled = false;
    const timer = setTimeout(() => fail(new ApiError(W.sendFailed, "TIMEOUT")), timeoutMs);
    function fail(err) { if (!settled) { settled = true; clearTimeout(timer); S.ops.delete(id); reject(err); } }
    S.ops.set(id, {
      sub: false,
      next: (data) => { if (!settled) { settled = true; clearTimeout(timer); resolve(data); } },
      fail,
    });
    if (!sendFrame({id, type: "subscribe", payload: {query, variables}})) fail(new ApiError(W.sendFailed, "NETWORK"));
  });
}

// --- Presence -------------------------------------------------------------------------------------

const PROFILE = `query Me { myStaffProfile { displayName roles skills languages supervisor presence { status lastHeartbeatAt } } }`;
const HEARTBEAT = `mutation Heartbeat { heartbeat { serverTime presence { status lastHeartbeatAt } errors { message } } }`;

async function loadProfile() {
  const data = await gql(PROFILE);
  S.me = data.myStaffProfile;
  $("who").textContent = S.me.displayName;
  $("roles").textContent = S.me.languages.map((l) => L.language[l]).join(" · ");
  $("availability").innerHTML = Object.entries(L.availability).map(([v, label]) => `<option value="${v}">${esc(label)}</option>`).join("");
  showAvailability(S.me.presence.status);
  $("view-board").classList.toggle("hidden", !S.me.supervisor);
  const takesChats = S.me.roles.includes("desk") || S.me.supervisor;
  $("queue-card").classList.toggle("hidden", !takesChats);
  $("pool-card").classList.toggle("hidden", S.me.roles.every((r) => r === "desk"));
  $("shortcuts").textContent = W.shortcuts;
}

function showAvailability(status) {
  $("availability").value = status;
  document.body.dataset.availability = status;
}

async function heartbeat(viaHttp) {
  try {
    const data = viaHttp ? await gql(HEARTBEAT) : await wsRequest(HEARTBEAT, {});
    const beat = data.heartbeat;
    S.offset = Date.parse(beat.serverTime) - Date.now();
    showAvailability(beat.presence.status);
    if (viaHttp) scheduleRefresh();
  } catch (_e) { /* the socket is reconnecting; the next beat will do */ }
}

$("availability").addEventListener("change", async () => {
  const wanted = $("availability").value;
  try {
    const data = await gql(`mutation($s: Availability!) { setAvailability(input: {status: $s}) { presence { status } errors { message } } }`, {s: wanted});
    const payload = data.setAvailability;
    if (payload.errors.length) toast(payload.errors[0].message, true);
    if (payload.presence) showAvailability(payload.presence.status);
  } catch (err) { toast(err.message, true); }
  await refreshLists();
  await loadColleagues();
});

// --- Lists: my chats, my tasks, the queue and the pool ---------------------------------------------

const CONVERSATION = `id status topic queuedAt assignedAt createdAt lastSeq customerReadSeq queuePosition
  customer { customerId maskedName elderly language } leftMessage`;
const TASK = `id kind kindLabel status priority dueAt createdAt atRisk overdue note attempts
  customer { customerId maskedName elderly language } assignee { colleagueId displayName } subjectType`;
const LISTS = `query Lists { myActiveChats { ${CONVERSATION} } staffQueue { ${CONVERSATION} }
  myTasks(first: 50) { edges { node { ${TASK} } } } taskQueue(first: 50) { edges { node { ${TASK} } } } }`;

function refreshListsSoon() {
  clearTimeout(S.listsTimer);
  S.listsTimer = setTimeout(refreshLists, 150);
}

async function refreshLists() {
  try {
    const data = await gql(LISTS);
    S.chats = data.myActiveChats;
    S.queue = data.staffQueue;
    S.tasks = data.myTasks.edges.map((e) => e.node).sort(byUrgency);
    S.pool = data.taskQueue.edges.map((e) => e.node);
    renderLists();
    if (S.current && S.current.type === "task") {
      const task = S.tasks.find((t) => t.id === S.current.id) || S.pool.find((t) => t.id === S.current.id);
      if (task) renderTaskHead(task);
    }
    if (S.current && S.current.type === "chat") {
      const chat = S.chats.find((c) => c.id === S.current.id);
      if (chat) renderChatHead(chat);
    }
  } catch (err) { if (err.code !== "NETWORK") toast(err.message, true); }
}

function byUrgency(a, b) {
  const rank = (t) => (Date.parse(t.dueAt) <= serverNow() ? 0 : t.atRisk ? 1 : 2);
  return rank(a) - rank(b) || (b.customer.elderly - a.customer.elderly) || Date.parse(a.dueAt) - Date.parse(b.dueAt);
}

function badges(customer) {
  if (!customer) return "";
  let html = "";
  if (customer.elderly) html += `<span class="badge elder">${esc(W.elderly)}</span>`;
  if (customer.language && customer.language !== "MANDARIN") html += `<span class="badge lang">${esc(L.language[customer.language])}</span>`;
  return html;
}

// Waiting customers show how long they have waited; chats in progress how long they have been served.
function since(chat, waiting) {
  if (!waiting && chat.assignedAt) return `<span data-since="${esc(chat.assignedAt)}" data-template="served"></span>`;
  return `<span data-since="${esc(chat.queuedAt || chat.createdAt)}"></span>`;
}

function chatItem(chat, inQueue) {
  const who = chat.customer ? chat.customer.maskedName : "";
  const current = S.current && S.current.type === "chat" && S.current.id === chat.id;
  const unread = !inQueue && chat.lastSeq > (S.lastSeq.get(chat.id) || 0) && !current ? `<span class="unread" title="${esc(W.unread)}"></span>` : "";
  const action = inQueue ? `<button type="button" data-act="accept-chat" data-id="${esc(chat.id)}" data-testid="accept">${esc(W.accept)}</button>` : "";
  return `<li class="item${current ? " current" : ""}" data-act="${inQueue ? "" : "open-chat"}" data-id="${esc(chat.id)}" data-testid="${inQueue ? "queued-chat" : "chat-item"}">
    <div class="main"><div class="line1"><b>${esc(who)}</b>${badges(chat.customer)}${unread}</div>
    <div class="line2">${esc(chat.topic || L.conversationStatus[chat.status])} · ${since(chat, inQueue)}</div></div>${action}</li>`;
}

function taskItem(task, inPool) {
  const current = S.current && S.current.type === "task" && S.current.id === task.id;
  const cls = slaClass(task);
  const action = inPool ? `<button type="button" data-act="accept-task" data-id="${esc(task.id)}" data-testid="accept-task">${esc(W.accept)}</button>` : "";
  return `<li class="item ${cls}${current ? " current" : ""}" data-act="open-task" data-id="${esc(task.id)}" data-testid="${inPool ? "pool-task" : "task-item"}" data-kind="${task.kind}">
    <div class="main"><div class="line1"><b>${esc(task.kindLabel)}</b>${badges(task.customer)}${task.atRisk && cls !== "overdue" ? `<span class="badge risk">${esc(W.atRisk)}</span>` : ""}</div>
    <div class="line2">${esc(task.customer.maskedName)} · <span class="sla" data-due="${esc(task.dueAt)}"></span></div></div>${action}</li>`;
}

function renderLists() {
  $("my-chats").innerHTML = S.chats.length ? S.chats.map((c) => chatItem(c, false)).join("") : `<li class="muted small">${esc(W.noChats)}</li>`;
  $("my-tasks").innerHTML = S.tasks.length ? S.tasks.map((t) => taskItem(t, false)).join("") : `<li class="muted small">${esc(W.noTasks)}</li>`;
  $("queue").innerHTML = S.queue.length ? S.queue.map((c) => chatItem(c, true)).join("") : `<li class="muted small">${esc(W.queueEmpty)}</li>`;
  $("pool").innerHTML = S.pool.length ? S.pool.map((t) => taskItem(t, true)).join("") : `<li class="muted small">${esc(W.poolEmpty)}</li>`;
  $("chats-count").textContent = S.chats.length || "";
  $("tasks-count").textContent = S.tasks.length || "";
  $("queue-count").textContent = S.queue.length || "";
  $("pool-count").textContent = S.pool.length || "";
  tick();
}

async function loadCanned() {
  const data = await gql(`query { cannedResponses { id title body } }`);
  S.canned = data.cannedResponses;
}

async function loadColleagues() {
  const data = await gql(`query { staffColleagues { id name } }`);
  S.colleagues = data.staffColleagues;
  const options = [`<option value="">${esc(W.chooseColleague)}</option>`]
    .concat(S.colleagues.map((c) => `<option value="staff:${esc(c.id)}">${esc(c.name)}</option>`))
    .concat([`<option disabled>${esc(W.chooseLanguage)}</option>`])
    .concat(Object.entries(L.language).map(([code, label]) => `<option value="lang:${code}">${esc(label)}</option>`));
  $("transfer-to").innerHTML = options.join("");
}

// --- Events for the desk ---------------------------------------------------------------------------

const STAFF_EVENTS = `subscription StaffEvents { staffEvents { type conversationId taskId taskKind taskStatus overdue } }`;

function onStaffEvent(data) {
  const event = data.staffEvents;
  if (event.type === "ASSIGNED") toast(W.newChat);
  if (event.type === "TASK_ASSIGNED") toast(fmt(W.newTask, {kind: L.taskKind[event.taskKind]}));
  if (event.type === "SLA_AT_RISK") slaAlert(event);
  refreshListsSoon();
  if (S.view === "board") refreshBoardSoon(event.taskId);
}

// --- A conversation --------------------------------------------------------------------------------

const CHAT_EVENTS = `subscription ChatEvents($id: ID!, $after: Int!) { chatEvents(conversationId: $id, afterSeq: $after) {
  type status senderKind readSeq message { id seq senderKind body createdAt } note { id body authorName createdAt } } }`;
const SEND = `mutation Send($i: SendChatMessageInput!) { sendChatMessage(input: $i) { message { id seq senderKind body createdAt } errors { field code message } } }`;

async function openChat(id) {
  S.current = {type: "chat", id};
  S.messages = new Map();
  S.notes = new Map();
  S.customerRead = 0;
  $("transcript").innerHTML = "";
  $("typing").textContent = "";
  showWork();
  renderLists();
  const chat = S.chats.find((c) => c.id === id);
  if (chat) renderChatHead(chat);
  S.lastSeq.set(id, 0);
  await loadNotes(id);
  subscribe("chat", CHAT_EVENTS, () => ({id, after: S.lastSeq.get(id) || 0}), (payload) => onChatEvent(id, payload.chatEvents));
  renderOutbox();
  loadCustomer(chat && chat.customer);
  $("reply").focus();
}

// Notes are not in the seq log: fetched when a chat opens and again after a reconnect.
async function loadNotes(id) {
  try {
    const data = await gql(`query($id: ID!) { chatNotes(conversationId: $id) { id body authorName createdAt } }`, {id});
    if (!S.current || S.current.id !== id) return;
    data.chatNotes.forEach((n) => S.notes.set(n.id, n));
    renderTranscript();
  } catch (_e) { /* notes are shown as they come */ }
}

function renderChatHead(chat) {
  $("chat-title").innerHTML = `${esc(chat.customer ? chat.customer.maskedName : "")} ${badges(chat.customer)}`;
  $("chat-meta").innerHTML = `${esc(chat.topic || "")} · ${esc(L.conversationStatus[chat.status])} · ${since(chat, false)}`;
  S.customerRead = Math.max(S.customerRead, chat.customerReadSeq || 0);
  tick();
}

function onChatEvent(id, event) {
  if (!S.current || S.current.id !== id) return;
  if (event.type === "MESSAGE") {
    const m = event.message;
    if (S.messages.has(m.seq)) return; // a replay after reconnecting: shown once
    S.messages.set(m.seq, m);
    S.lastSeq.set(id, Math.max(S.lastSeq.get(id) || 0, m.seq));
    renderTranscript();
    if (m.senderKind === "CUSTOMER") { $("typing").textContent = ""; markRead(id, m.seq); }
  } else if (event.type === "NOTE") {
    S.notes.set(event.note.id, event.note);
    renderTranscript();
  } else if (event.type === "TYPING" && event.senderKind === "CUSTOMER") {
    $("typing").textContent = W.typing;
    clearTimeout(S.typingTimer);
    S.typingTimer = setTimeout(() => { $("typing").textContent = ""; }, 5000);
  } else if (event.type === "READ" && event.senderKind === "CUSTOMER") {
    S.customerRead = Math.max(S.customerRead, event.readSeq);
    renderTranscript();
  } else if (event.type === "STATUS") {
    refreshListsSoon();
  }
}

function markRead(id, seq) {
  if (document.visibilityState !== "visible") return;
  wsRequest(`mutation($i: MarkChatReadInput!) { markChatRead(input: $i) { ok } }`, {i: {conversationId: id, seq}}).catch(() => {});
}

function renderTranscript() {
  // Messages in seq order (their truth); each private note after the messages written before it.
  const notes = [...S.notes.values()].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const items = [];
  for (const m of [...S.messages.values()].sort((a, b) => a.seq - b.seq)) {
    while (notes.length && Date.parse(notes[0].createdAt) < Date.parse(m.createdAt)) items.push({n: notes.shift()});
    items.push({m});
  }
  notes.forEach((n) => items.push({n}));
  const box = $("transcript");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = items.map((item) => {
    if (item.n) {
      return `<div class="msg NOTE" data-testid="note"><span class="meta">${esc(W.privateNote)} · ${esc(item.n.authorName)}</span>${esc(item.n.body)}</div>`;
    }
    const m = item.m;
    const read = m.senderKind === "STAFF" && m.seq <= S.customerRead ? ` · ${esc(W.read)}` : "";
    return `<div class="msg ${esc(m.senderKind)}" data-seq="${m.seq}" data-testid="message"><span class="meta">${esc(L.senderKind[m.senderKind])} · ${new Date(m.createdAt).toLocaleTimeString()}${read}</span>${esc(m.body)}</div>`;
  }).join("");
  if (atBottom || items.length < 20) box.scrollTop = box.scrollHeight;
}

// Replies wait in an outbox until the server has them: a failed one is shown and retried with the
// same clientMessageId, so it is stored once however often it is sent.
function newId() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
}

function queueReply(conversationId, body) {
  const item = {clientMessageId: newId(), conversationId, body, state: "sending", error: ""};
  S.outbox.push(item);
  renderOutbox();
  attemptSend(item);
}

async function attemptSend(item) {
  item.state = "sending";
  item.error = "";
  renderOutbox();
  try {
    const data = await wsRequest(SEND, {i: {conversationId: item.conversationId, body: item.body, clientMessageId: item.clientMessageId}});
    const payload = data.sendChatMessage;
    if (payload.errors.length) {
      item.state = "refused";
      item.error = payload.errors[0].message;
    } else {
      S.outbox = S.outbox.filter((x) => x !== item);
      if (S.current && S.current.id === item.conversationId) onChatEvent(item.conversationId, {type: "MESSAGE", message: payload.message});
    }
  } catch (err) {
    // Not known to have arrived: kept, retried under the same clientMessageId when the socket is back.
    item.state = "failed";
    item.error = ["NETWORK", "TIMEOUT"].includes(err.code) ? "" : err.message;
  }
  renderOutbox();
}

function retryOutbox(onReconnect) {
  S.outbox.filter((item) => item.state === "failed" || (onReconnect && item.state === "sending")).forEach(attemptSend);
}

function renderOutbox() {
  const mine = S.outbox.filter((item) => S.current && item.conversationId === S.current.id);
  $("pending").innerHTML = mine.map((item, i) => {
    const failed = item.state !== "sending";
    return `<div class="msg ${failed ? "failed" : "pending"}" data-testid="${failed ? "send-failed" : "sending"}">
      <span class="meta">${esc(failed ? [W.sendFailed, item.error].filter(Boolean).join(" ") : W.sending)}</span>${esc(item.body)}
      ${failed ? `<button type="button" data-act="retry" data-index="${i}" data-testid="retry">${esc(W.retry)}</button>` : ""}</div>`;
  }).join("");
}

async function addNote(conversationId, body) {
  try {
    const data = await wsRequest(`mutation($i: AddChatNoteInput!) { addChatNote(input: $i) { note { id body authorName createdAt } errors { message } } }`, {i: {conversationId, body}});
    const payload = data.addChatNote;
    if (payload.errors.length) { toast(payload.errors[0].message, true); return false; }
    S.notes.set(payload.note.id, payload.note);
    renderTranscript();
    return true;
  } catch (err) { toast(err.message, true); return false; }
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = $("reply").value.trim();
  if (!body || !S.current || S.current.type !== "chat") return;
  if (S.mode === "note") {
    if (await addNote(S.current.id, body)) $("reply").value = "";
    return;
  }
  $("reply").value = "";
  queueReply(S.current.id, body);
});

$("reply").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

$("reply").addEventListener("input", () => {
  // Typing shown to the customer, at most every 3 s.
  if (S.mode !== "reply" || !S.current || S.current.type !== "chat" || Date.now() - S.lastTypingSent < 3000) return;
  S.lastTypingSent = Date.now();
  wsRequest(`mutation($i: ConversationInput!) { sendTyping(input: $i) { ok } }`, {i: {conversationId: S.current.id}}).catch(() => {});
});

function setMode(mode) {
  S.mode = mode;
  $("mode-reply").classList.toggle("active", mode === "reply");
  $("mode-note").classList.toggle("active", mode === "note");
  $("composer").classList.toggle("note", mode === "note");
  $("reply").placeholder = mode === "note" ? W.notePlaceholder : W.replyPlaceholder;
  $("reply").focus();
}
$("mode-reply").addEventListener("click", () => setMode("reply"));
$("mode-note").addEventListener("click", () => setMode("note"));

function renderCanned() {
  const term = $("canned-search").value.trim().toLowerCase();
  const found = S.canned.filter((r) => !term || r.title.toLowerCase().includes(term) || r.body.toLowerCase().includes(term));
  $("canned").innerHTML = found.map((r, i) => `<li data-act="canned" data-index="${S.canned.indexOf(r)}" data-testid="canned-response" class="${i === 0 ? "active" : ""}"><b>${esc(r.title)}</b>${esc(r.body)}</li>`).join("");
  $("canned").classList.toggle("hidden", found.length === 0);
}
$("canned-search").addEventListener("focus", renderCanned);
$("canned-search").addEventListener("input", renderCanned);
$("canned-search").addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    const first = $("canned").querySelector("li");
    if (first) useCanned(Number(first.dataset.index));
  } else if (event.key === "Escape") { $("canned").classList.add("hidden"); $("reply").focus(); }
});
function useCanned(index) {
  $("reply").value = S.canned[index].body;
  $("canned").classList.add("hidden");
  $("canned-search").value = "";
  setMode("reply");
}

$("transfer").addEventListener("click", async () => {
  const target = $("transfer-to").value;
  if (!target || !S.current) return;
  const [kind, value] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
  const input = {conversationId: S.current.id, ...(kind === "staff" ? {toStaffId: value} : {toLanguage: value})};
  await act(`mutation($i: TransferChatInput!) { transferChat(input: $i) { conversation { id } errors { message } } }`, {i: input}, "transferChat", W.transferred, true);
});

$("close").addEventListener("click", async () => {
  if (!S.current) return;
  await act(`mutation($i: CloseChatInput!) { closeChat(input: $i) { conversation { id status } errors { message } } }`,
    {i: {conversationId: S.current.id, reason: $("close-reason").value}}, "closeChat", W.closed, true);
});

// A mutation whose refusal is shown to the person; `leave` clears the middle pane on success.
async function act(query, variables, field, success, leave) {
  try {
    const data = await gql(query, variables);
    const payload = data[field];
    if (payload.errors.length) { toast(payload.errors[0].message, true); return null; }
    if (success) toast(success);
    if (leave) { unsubscribe("chat"); S.current = null; showWork(); }
    await refreshLists();
    return payload;
  } catch (err) { toast(err.message, true); return null; }
}

async function acceptChat(id) {
  const payload = await act(`mutation($i: ConversationInput!) { acceptChat(input: $i) { conversation { id } errors { message } } }`, {i: {conversationId: id}}, "acceptChat");
  if (payload) openChat(id);
}

// --- A task ----------------------------------------------------------------------------------------

const TASK_DETAIL = `query Task($id: ID!) { node(id: $id) { ... on Task { ${TASK} subject {
  __typename
  ... on ServicingRequest { id type requestStatus: status amount reasons reasonCodes submittedAt }
  ... on Conversation { id topic leftMessage createdAt }
  ... on Task { id kind kindLabel outcome note completedAt }
  ... on Survey { id title nps csat comment answeredAt }
  ... on Application { id number product { name } sumAssured premium frequency termYears ageAtEntry
      underwritingReasons healthAnswers { text yes } progress { seq text at } }
  ... on Policy { id number policyStatus: status effectiveDate premium frequency sumAssured product { name } }
} } } }`;

async function openTask(id) {
  S.current = {type: "task", id};
  unsubscribe("chat");
  showWork();
  renderLists();
  $("task-subject").innerHTML = "";
  $("task-error").textContent = "";
  $("task-note").value = "";
  $("task-score").value = "";
  $("call-number").textContent = W.maskedUntilCall;
  $("call-number").dataset.revealed = "";
  $("start-call").classList.remove("hidden");
  try {
    const data = await gql(TASK_DETAIL, {id});
    const task = data.node;
    if (!task || !S.current || S.current.id !== id) return;
    renderTaskHead(task);
    renderSubject(task);
    loadCustomer(task.customer);
  } catch (err) { toast(err.message, true); }
}

function renderTaskHead(task) {
  $("task-title").innerHTML = `${esc(task.kindLabel)} ${badges(task.customer)}`;
  $("task-meta").textContent = `${task.customer.maskedName} · ${L.taskStatus[task.status]}${task.attempts ? " · " + task.attempts : ""}`;
  $("task-sla").innerHTML = ["OPEN", "ASSIGNED"].includes(task.status) ? `<span class="sla ${slaClass(task)}" data-due="${esc(task.dueAt)}"></span>` : "";
  const mine = task.status === "ASSIGNED" && S.tasks.some((t) => t.id === task.id);
  const open = task.status === "OPEN";
  $("task-form").classList.toggle("hidden", !mine);
  $("task-accept-wrap").classList.toggle("hidden", !open);
  $("task-done").classList.toggle("hidden", mine || open);
  $("task-done").textContent = W.taskFinished;
  $("task-call").classList.toggle("hidden", !(mine && CFG.callKinds.includes(task.kind)));
  const rule = CFG.completions[task.kind];
  $("score-wrap").classList.toggle("hidden", rule.scoreRequired.length === 0);
  $("outcomes").innerHTML = rule.outcomes.map((o) =>
    `<button type="button" data-act="complete" data-outcome="${o}" data-testid="outcome-${o}" class="${o === rule.outcomes[0] ? "primary" : ""}">${esc(L.outcome[o])}</button>`).join("");
  $("task").dataset.kind = task.kind;
  tick();
}

function renderSubject(task) {
  const s = task.subject;
  let html = "";
  if (s && s.__typename === "ServicingRequest") {
    const fraud = s.reasonCodes.filter((c) => CFG.fraudSignals.includes(c));
    html = `<dl class="facts">
      <dt>${esc(W.requestType)}</dt><dd>${esc(L.requestType[s.type])}</dd>
      <dt>${esc(W.amount)}</dt><dd>${s.amount ? "¥" + esc(s.amount) : "—"}</dd>
      <dt>${esc(W.requestStatus)}</dt><dd data-testid="request-status">${esc(L.requestStatus[s.requestStatus])}</dd>
      <dt>${esc(W.submittedAt)}</dt><dd>${esc(new Date(s.submittedAt).toLocaleString())}</dd>
      <dt>${esc(W.reasons)}</dt><dd><ul>${s.reasons.map((r) => `<li>${esc(r)}</li>`).join("") || esc(W.none)}</ul></dd></dl>`;
    if (fraud.length) html += `<div class="signals" data-testid="fraud-signals"><b>${esc(W.fraudSignals)}</b>: ${fraud.map((c) => esc(s.reasons[s.reasonCodes.indexOf(c)] || c)).join("；")}</div>`;
  } else if (s && s.__typename === "Conversation") {
    html = `<dl class="facts"><dt>${esc(W.leftMessage)}</dt><dd data-testid="left-message">${esc(s.leftMessage || "—")}</dd></dl>`;
  } else if (s && s.__typename === "Survey") {
    html = `<dl class="facts" data-testid="survey-answer"><dt>${esc(W.survey)}</dt><dd>${esc(s.title)}</dd>
      <dt>NPS</dt><dd>${s.nps ?? "—"}</dd><dt>CSAT</dt><dd>${s.csat ?? "—"}</dd>
      <dt>${esc(W.comment)}</dt><dd>${esc(s.comment || "—")}</dd></dl>`;
  } else if (s && s.__typename === "Application") {
    // Underwriting: what was applied for, why a person decides it, and the customer's answers.
    html = `<dl class="facts" data-testid="application">
      <dt>${esc(W.application)}</dt><dd>${esc(s.number)}</dd>
      <dt>${esc(W.product)}</dt><dd>${esc(s.product.name)}</dd>
      <dt>${esc(W.sumAssured)}</dt><dd>¥${esc(s.sumAssured)}</dd>
      <dt>${esc(W.premium)}</dt><dd>¥${esc(s.premium)} · ${esc(L.frequency[s.frequency])} · ${esc(W.termYears.replace("%(years)s", s.termYears))}</dd>
      <dt>${esc(W.ageAtEntry)}</dt><dd>${s.ageAtEntry}</dd>
      <dt>${esc(W.reasons)}</dt><dd><ul>${s.underwritingReasons.map((r) => `<li>${esc(r)}</li>`).join("") || esc(W.none)}</ul></dd>
      <dt>${esc(W.healthAnswers)}</dt><dd><ul data-testid="health-answers">${s.healthAnswers.map((a) => `<li class="${a.yes ? "flag" : ""}">${esc(a.text)}：<b>${esc(a.yes ? W.answerYes : W.answerNo)}</b></li>`).join("")}</ul></dd>
      <dt>${esc(W.progress)}</dt><dd><ol>${s.progress.map((p) => `<li>${esc(new Date(p.at).toLocaleString())} ${esc(p.text)}</li>`).join("")}</ol></dd></dl>`;
  } else if (s && s.__typename === "Policy") {
    html = `<dl class="facts" data-testid="policy">
      <dt>${esc(W.policyNumber)}</dt><dd>${esc(s.number)} · ${esc(s.product.name)}</dd>
      <dt>${esc(W.effectiveDate)}</dt><dd>${esc(s.effectiveDate)}</dd>
      <dt>${esc(W.premium)}</dt><dd>¥${esc(s.premium)} · ${esc(L.frequency[s.frequency])}</dd>
      <dt>${esc(W.sumAssured)}</dt><dd>¥${esc(s.sumAssured)}</dd>
      <dt>${esc(W.requestStatus)}</dt><dd>${esc(L.policyStatus[s.policyStatus])}</dd></dl>`;
  } else if (s && s.__typename === "Task") {
    html = `<dl class="facts"><dt>${esc(W.kind)}</dt><dd>${esc(s.kindLabel)}</dd><dt>${esc(W.status)}</dt><dd>${esc(s.outcome ? L.outcome[s.outcome] : "—")}</dd><dt>${esc(W.noteLabel)}</dt><dd>${esc(s.note || "—")}</dd></dl>`;
  }
  $("task-subject").innerHTML = html;
}

$("start-call").addEventListener("click", async () => {
  const payload = await act(`mutation($i: TaskInput!) { startCall(input: $i) { phone errors { message } } }`, {i: {taskId: S.current.id}}, "startCall", W.callStarted);
  if (payload && payload.phone) {
    $("call-number").textContent = payload.phone;
    $("call-number").dataset.revealed = "1";
    $("start-call").classList.add("hidden");
  }
});

async function completeTask(outcome) {
  const rule = CFG.completions[$("task").dataset.kind];
  const note = $("task-note").value.trim();
  const score = $("task-score").value === "" ? null : Number($("task-score").value);
  if (rule.noteRequired.includes(outcome) && !note) { $("task-error").textContent = W.reasonRequired; $("task-note").focus(); return; }
  if (rule.scoreRequired.includes(outcome) && (score === null || score < 0 || score > 100)) { $("task-error").textContent = W.scoreRequired; return; }
  $("task-error").textContent = "";
  try {
    const data = await gql(`mutation($i: CompleteTaskInput!) { completeTask(input: $i) { task { id status outcome } errors { field message } } }`,
      {i: {taskId: S.current.id, outcome, note, score}});
    const payload = data.completeTask;
    if (payload.errors.length) { $("task-error").textContent = payload.errors[0].message; return; }
    toast(W.completed);
    S.current = null;
    await refreshLists();
    showWork();
  } catch (err) { $("task-error").textContent = err.message; }
}

$("release").addEventListener("click", async () => {
  const payload = await act(`mutation($i: TaskInput!) { releaseTask(input: $i) { task { id } errors { message } } }`, {i: {taskId: S.current.id}}, "releaseTask", W.released);
  if (payload) { S.current = null; showWork(); }
});

async function acceptTask(id) {
  const payload = await act(`mutation($i: TaskInput!) { acceptTask(input: $i) { task { id } errors { message } } }`, {i: {taskId: id}}, "acceptTask", W.accepted);
  if (payload) openTask(id);
}
$("task-accept").addEventListener("click", () => acceptTask(S.current.id));

// --- The customer panel ----------------------------------------------------------------------------

const C360 = `query C360($id: ID!) { customer360(customerId: $id) { maskedName maskedPhone maskedIdNumber age elderly language
  policies { id number status product { name } } openRequests { id type status amount }
  recentChats { id topic status createdAt } openTasks { id kindLabel dueAt } }
  customerSurveys(customerId: $id) { id title answeredAt nps csat comment } }`;

async function loadCustomer(customer) {
  const body = $("customer-body");
  if (!customer) { body.textContent = W.customerHidden; return; }
  try {
    const data = await gql(C360, {id: customer.customerId});
    const c = data.customer360;
    const list = (items, render) => (items.length ? `<ul>${items.map(render).join("")}</ul>` : `<p class="muted small">${esc(W.none)}</p>`);
    body.classList.remove("muted");
    body.innerHTML = `<p><b data-testid="customer-name">${esc(c.maskedName)}</b> ${badges(c)}</p>
      <dl class="facts"><dt>${esc(W.phone)}</dt><dd>${esc(c.maskedPhone)}</dd><dt>${esc(W.idNumber)}</dt><dd>${esc(c.maskedIdNumber)}</dd>
      <dt>${esc(W.age)}</dt><dd>${esc(fmt(W.years, {n: c.age}))}</dd></dl>
      <h3>${esc(W.policies)}</h3>${list(c.policies, (p) => `<li>${esc(p.product.name)} ${esc(p.number)} · ${esc(L.policyStatus[p.status])}</li>`)}
      <h3>${esc(W.openRequests)}</h3>${list(c.openRequests, (r) => `<li>${esc(L.requestType[r.type])} ${r.amount ? "¥" + esc(r.amount) : ""} · ${esc(L.requestStatus[r.status])}</li>`)}
      <h3>${esc(W.recentChats)}</h3>${list(c.recentChats, (ch) => `<li>${esc(ch.topic || "—")} · ${esc(L.conversationStatus[ch.status])} · ${esc(new Date(ch.createdAt).toLocaleDateString())}</li>`)}
      <h3>${esc(W.openTasks)}</h3>${list(c.openTasks, (t) => `<li>${esc(t.kindLabel)} · <span data-due="${esc(t.dueAt)}"></span></li>`)}
      <h3>${esc(W.recentSurveys)}</h3>${list(data.customerSurveys, (s) => `<li data-testid="customer-survey">${esc(s.title)} · ${s.answeredAt ? `NPS ${s.nps ?? "—"} · CSAT ${s.csat ?? "—"}${s.comment ? " · " + esc(s.comment) : ""}` : esc(W.notAnswered)}</li>`)}`;
    tick();
  } catch (_err) {
    body.classList.add("muted");
    body.textContent = W.customerHidden;
  }
}

// --- The middle pane ------------------------------------------------------------------------------

function showWork() {
  const type = S.current ? S.current.type : null;
  $("work-empty").classList.toggle("hidden", type !== null);
  $("work-empty").textContent = W.chooseWork;
  $("chat").classList.toggle("hidden", type !== "chat");
  $("task").classList.toggle("hidden", type !== "task");
  if (!type) { $("customer-body").textContent = W.customerHidden; $("customer-body").classList.add("muted"); }
  $("close-reason").innerHTML = Object.entries(L.closeReason).map(([v, label]) => `<option value="${v}">${esc(label)}</option>`).join("");
  setMode(S.mode);
}

// --- The supervisor's board -----------------------------------------------------------------------

const BOARD = `query Board { operationsBoard { at kinds { kind open atRisk overdue } staff { colleagueId displayName status online activeTasks activeChats } }
  boardTasks(atRisk: true, first: 100) { edges { node { ${TASK} } } } }`;
let boardTimer = null;
let flashTask = null;

function refreshBoardSoon(taskId) {
  if (taskId) flashTask = taskId;
  clearTimeout(boardTimer);
  boardTimer = setTimeout(refreshBoard, 150);
}

async function refreshBoard() {
  try {
    const data = await gql(BOARD);
    S.board = data.operationsBoard;
    S.boardTasks = data.boardTasks.edges.map((e) => e.node);
    renderBoard();
  } catch (err) { toast(err.message, true); }
}

function renderBoard() {
  const b = S.board;
  $("board-at").textContent = new Date(b.at).toLocaleTimeString();
  $("board-kinds").innerHTML = b.kinds.map((k) => `<tr class="${k.overdue ? "overdue" : k.atRisk ? "at-risk" : ""}" data-kind="${k.kind}">
    <td>${esc(L.taskKind[k.kind])}</td><td class="num">${k.open}</td><td class="num">${k.atRisk}</td><td class="num">${k.overdue}</td></tr>`).join("");
  $("board-staff").innerHTML = b.staff.map((p) => `<tr><td>${esc(p.displayName)}</td><td>${esc(L.availability[p.status])}</td>
    <td class="num">${p.activeTasks}</td><td class="num">${p.activeChats}</td></tr>`).join("");
  const online = b.staff.filter((p) => p.online);
  $("board-tasks").innerHTML = S.boardTasks.map((t) => `<tr class="${slaClass(t)}${t.id === flashTask ? " flash" : ""}" data-testid="board-task" data-id="${esc(t.id)}">
    <td>${esc(t.kindLabel)}</td><td>${esc(t.customer.maskedName)} ${badges(t.customer)}</td><td class="sla" data-due="${esc(t.dueAt)}"></td>
    <td>${esc(t.assignee ? t.assignee.displayName : W.unassigned)}</td>
    <td><select data-testid="reassign-to" data-for="${esc(t.id)}">${online.map((p) => `<option value="${esc(p.colleagueId)}">${esc(p.displayName)}</option>`).join("")}</select>
    <button type="button" data-act="reassign" data-id="${esc(t.id)}" data-testid="reassign">${esc(W.reassign)}</button></td></tr>`).join("");
  flashTask = null;
  tick();
}

function slaAlert(event) {
  const task = S.boardTasks.find((t) => t.id === event.taskId);
  const text = event.overdue ? W.slaOverdueAlert : W.slaAlert;
  toast(fmt(text, {kind: L.taskKind[event.taskKind], customer: task ? task.customer.maskedName : ""}), true);
}

async function reassign(taskId) {
  const select = document.querySelector(`select[data-for="${CSS.escape(taskId)}"]`);
  if (!select || !select.value) return;
  const payload = await act(`mutation($i: ReassignTaskInput!) { reassignTask(input: $i) { task { id assignee { displayName } } errors { message } } }`,
    {i: {taskId, toStaffId: select.value}}, "reassignTask", W.reassigned);
  if (payload) refreshBoard();
}

function setView(view) {
  S.view = view;
  $("view-desk").classList.toggle("active", view === "desk");
  $("view-board").classList.toggle("active", view === "board");
  $("desk").classList.toggle("hidden", view !== "desk");
  $("board").classList.toggle("hidden", view !== "board");
  if (view === "board") refreshBoard();
}
$("view-desk").addEventListener("click", () => setView("desk"));
$("view-board").addEventListener("click", () => setView("board"));

// --- Clicks and keys ------------------------------------------------------------------------------

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-act]");
  if (!target || !target.dataset.act) return;
  const id = target.dataset.id;
  switch (target.dataset.act) {
    case "accept-chat": event.stopPropagation(); acceptChat(id); break;
    case "open-chat": openChat(id); break;
    case "accept-task": event.stopPropagation(); acceptTask(id); break;
    case "open-task": openTask(id); break;
    case "canned": useCanned(Number(target.dataset.index)); break;
    case "retry": attemptSend(S.outbox.filter((item) => S.current && item.conversationId === S.current.id)[Number(target.dataset.index)]); break;
    case "complete": completeTask(target.dataset.outcome); break;
    case "reassign": reassign(id); break;
    default: break;
  }
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey && event.key.toLowerCase() === "k") { event.preventDefault(); $("canned-search").focus(); return; }
  if (!event.altKey) return;
  const key = event.key.toLowerCase();
  if (key === "n") {
    // The next piece of my work: the most urgent task, or the next chat.
    event.preventDefault();
    const tasks = S.tasks;
    const index = S.current && S.current.type === "task" ? tasks.findIndex((t) => t.id === S.current.id) : -1;
    if (tasks.length) openTask(tasks[(index + 1) % tasks.length].id);
    else if (S.chats.length) openChat(S.chats[0].id);
  } else if (key === "a") {
    event.preventDefault();
    if (S.queue.length && !$("queue-card").classList.contains("hidden")) acceptChat(S.queue[0].id);
    else if (S.pool.length) acceptTask(S.pool[0].id);
  }
});

setInterval(tick, 1000);

// A reload within the same tab keeps the session (the refresh token lives only in this tab).
(async function resume() {
  showLogin("");
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (!saved) return;
  S.refresh = saved;
  const body = await post(REFRESH, {t: saved}).catch(() => null);
  const pair = body && body.data && body.data.refreshToken;
  if (pair && !pair.errors.length && pair.accessToken) await start(pair);
  else sessionStorage.removeItem(SESSION_KEY);
})();
