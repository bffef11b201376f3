// The demo page: polls /api/state and shows each chat as Telegram would. No framework.
"use strict";

const PHONE = window.matchMedia("(max-width: 700px)");
const TAP_LOADING_MS = 15000; // Telegram's limit for answering a tapped button

const state = {
  version: -1,
  labels: {},
  chrome: {},
  chats: new Map(),
  current: null,
  seenToasts: new Set(),
  taps: new Map(), // query id -> {chat, message, row, column, version}, until answered
  first: true,
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

const ICONS = {
  menu: "M4 6h16M4 12h16M4 18h16",
  attach: "M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7L5.8 11.4a6 6 0 0 0 8.5 8.5l6.4-6.4",
  send: "M4 12l16-8-6 16-3-7z",
  forward: "M3 6l8 6-8 6zM12 6l8 6-8 6z",
};

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.append(path);
  return svg;
}

async function post(path, body) {
  const options = { method: "POST" };
  if (body instanceof FormData) options.body = body;
  else {
    options.headers = { "Content-Type": "application/json" };
    options.body = JSON.stringify(body || {});
  }
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// The words around a chat, in the language of the person it belongs to.
function words(chat) {
  return state.chrome[chat.language] || state.labels;
}

function fileCard(doc, label) {
  const ext = (doc.name.split(".").pop() || "").slice(0, 4).toUpperCase();
  const meta = el("span", { class: "meta-file" }, el("span", { class: "fname" }, doc.name));
  if (doc.url) {
    meta.append(el("a", { href: doc.url, download: doc.name, "data-download": doc.name },
      `${label.download} · ${size(doc.size || 0)}`));
  }
  return el("div", { class: "file" }, el("span", { class: "icon" }, ext || "FILE"), meta);
}

function tap(chat, message, row, column, button) {
  showLoading(button, true, words(chat).loading);
  post(`/api/chats/${chat.id}/tap`, { message_id: message.id, row, column })
    .then((result) => {
      state.taps.set(result.query, { chat: chat.id, message: message.id, row, column, version: result.version });
      setTimeout(() => { state.taps.delete(result.query); markLoading(chat.id); }, TAP_LOADING_MS);
    })
    .catch(() => showLoading(button, false));
}

function showLoading(button, on, title) {
  button.classList.toggle("loading", on);
  if (on) {
    button.setAttribute("aria-busy", "true");
    if (title) button.title = title;
  } else {
    button.removeAttribute("aria-busy");
    button.removeAttribute("title");
  }
}

function renderMessage(chat, message, showDay) {
  const label = words(chat);
  const bubble = el("div", { class: "bubble" });
  if (message.document) bubble.append(fileCard(message.document, label));
  if (message.html) {
    const body = el("span", { class: "text" });
    body.innerHTML = message.html; // built by the server from entities, every character escaped
    for (const spoiler of body.querySelectorAll(".spoiler")) {
      spoiler.addEventListener("click", () => spoiler.classList.add("shown"));
    }
    bubble.append(body);
  }
  const meta = el("span", { class: "meta" });
  if (message.edited) meta.append(`${label.edited} `);
  if (message.time) meta.append(el("time", {}, message.time));
  if (meta.childNodes.length) bubble.append(meta);
  const node = el("div", { class: `msg ${message.from}`, "data-message": message.id }, bubble);
  if (message.buttons && message.buttons.length) {
    const keyboard = el("div", { class: "keyboard" });
    message.buttons.forEach((row, r) => {
      const line = el("div", { class: "row" });
      row.forEach((button, c) => {
        if (button.url) {
          line.append(el("a", { href: button.url, target: "_blank", rel: "noopener noreferrer" }, button.text));
        } else {
          line.append(el("button", {
            type: "button", "data-row": r, "data-column": c,
            onclick: (event) => tap(chat, message, r, c, event.currentTarget),
          }, button.text));
        }
      });
      keyboard.append(line);
    });
    node.append(keyboard);
  }
  const item = el("div", { class: "item" });
  if (showDay && message.day) item.append(el("div", { class: "day" }, message.day));
  item.append(node);
  return item;
}

// A tapped button shows that it waits for the bot until the bot has answered it (or
// Telegram would have given up): never disabled, a second tap is a second callback.
function markLoading(chatId, waiting) {
  const view = state.chats.get(chatId);
  if (!view) return;
  if (waiting) view.waiting = waiting;
  const busy = new Set();
  for (const t of view.waiting || []) busy.add(`${t.message}:${t.row}:${t.column}`);
  for (const t of state.taps.values()) {
    if (t.chat === chatId) busy.add(`${t.message}:${t.row}:${t.column}`);
  }
  for (const button of view.messages.querySelectorAll(".keyboard button")) {
    const message = button.closest(".msg").dataset.message;
    const on = busy.has(`${message}:${button.dataset.row}:${button.dataset.column}`);
    showLoading(button, on, view.loadingLabel);
  }
}

function showToast(phone, toast) {
  const node = el("div", { class: toast.alert ? "toast alert" : "toast", role: "status" }, toast.text);
  phone.append(node);
  setTimeout(() => node.remove(), toast.alert ? 4000 : 2500);
}

function buildPhone(chat) {
  const label = words(chat);
  const messages = el("div", { class: "messages", "aria-live": "polite" });
  const input = el("textarea", { rows: "1", placeholder: label.placeholder, "aria-label": label.placeholder });
  const menu = el("div", { class: "menu", hidden: "" });
  const sendText = async () => {
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    await post(`/api/chats/${chat.id}/text`, { text });
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      sendText();
    }
  });
  const composer = el("div", { class: "composer" });
  composer.append(el("button", {
    type: "button", class: "menu-button", title: label.menu, "aria-label": label.menu,
    onclick: () => { menu.hidden = !menu.hidden; },
  }, icon("menu"), el("span", { class: "label" }, label.menu)));
  composer.append(input);
  if (chat.uploads) {
    const file = el("input", { type: "file", hidden: "", "data-upload": "" });
    file.addEventListener("change", async () => {
      if (!file.files.length) return;
      const form = new FormData();
      form.append("file", file.files[0]);
      file.value = "";
      await post(`/api/chats/${chat.id}/document`, form);
    });
    composer.append(file, el("button", {
      type: "button", class: "attach", title: label.attach, "aria-label": label.attach,
      onclick: () => file.click(),
    }, icon("attach"), el("span", { class: "label" }, label.attach)));
  }
  composer.append(el("button", {
    type: "button", class: "send", title: label.send, "aria-label": label.send, onclick: sendText,
  }, icon("send"), el("span", { class: "label" }, label.send)));

  const who = el("div", { class: "who" },
    el("div", { class: "name" }, chat.title),
    el("div", { class: "role" }, chat.subtitle));
  const head = el("div", { class: "phone-head" }, who);
  if (chat.deep_link) {
    head.append(el("button", {
      type: "button", class: "deep-link", title: label.deep_link, "aria-label": label.deep_link,
      onclick: () => post(`/api/chats/${chat.id}/start`),
    }, el("span", { class: "long" }, label.deep_link), el("span", { class: "short" }, "QR")));
  }
  const phone = el("section", {
    class: "phone", id: `chat-${chat.id}`, role: "tabpanel", "data-chat": chat.id, "aria-label": chat.title,
  }, head, messages, menu, composer);
  return {
    phone, messages, menu, commands: "", rendered: new Map(), unread: 0, waiting: [],
    loadingLabel: label.loading,
  };
}

function renderMenu(view, chat) {
  const key = JSON.stringify(chat.commands);
  if (key === view.commands) return;
  view.commands = key;
  view.menu.replaceChildren(...chat.commands.map((command) => el("button", {
    type: "button",
    onclick: () => {
      view.menu.hidden = true;
      post(`/api/chats/${chat.id}/text`, { text: `/${command.command}` });
    },
  }, el("span", { class: "cmd" }, `/${command.command}`), command.description)));
}

function shown(view) {
  return view.phone.offsetParent !== null;
}

function toBottom(view) {
  view.messages.scrollTop = view.messages.scrollHeight;
}

function renderChat(chat) {
  let view = state.chats.get(chat.id);
  if (!view) {
    view = buildPhone(chat);
    state.chats.set(chat.id, view);
    document.getElementById("chats").append(view.phone);
    view.badge = el("span", { class: "badge" });
    view.tab = el("button", {
      type: "button", role: "tab", "aria-controls": `chat-${chat.id}`, "data-tab": chat.id,
      onclick: () => select(chat.id),
    }, chat.tab, view.badge);
    document.getElementById("tabs").append(view.tab);
    if (state.current === null) select(chat.id);
  }
  renderMenu(view, chat);
  const box = view.messages;
  const visible = shown(view);
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const wanted = new Set(chat.messages.map((m) => String(m.id)));
  for (const [id, node] of view.rendered) {
    if (!wanted.has(id)) { node.remove(); view.rendered.delete(id); }
  }
  let previous = null;
  let previousDay = null;
  let added = 0;
  for (const message of chat.messages) {
    const id = String(message.id);
    const showDay = message.day !== previousDay;
    previousDay = message.day;
    const key = JSON.stringify([message, showDay, chat.language]);
    let node = view.rendered.get(id);
    if (!node || node.dataset.key !== key) {
      const fresh = renderMessage(chat, message, showDay);
      fresh.dataset.key = key;
      if (node) node.replaceWith(fresh); // an edit: the same place in the chat
      else added += 1;
      node = fresh;
      view.rendered.set(id, node);
    }
    const expected = previous ? previous.nextSibling : box.firstChild;
    if (expected !== node) box.insertBefore(node, expected);
    previous = node;
  }
  box.querySelector(".empty")?.remove();
  if (!chat.messages.length) box.append(el("p", { class: "empty" }, words(chat).empty));
  view.phone.classList.toggle("new", !chat.messages.length);
  markLoading(chat.id, chat.waiting);
  if (visible) {
    if (atBottom || state.first || view.stick) toBottom(view);
    view.stick = false;
  } else if (added) {
    view.stick = true; // shown with its newest message when its tab is opened
    if (!state.first) view.unread += added;
  }
  view.badge.textContent = view.unread ? String(view.unread) : "";
  for (const toast of chat.toasts) {
    if (state.seenToasts.has(toast.id)) continue;
    state.seenToasts.add(toast.id);
    if (!state.first) showToast(view.phone, toast);
  }
}

function select(chatId) {
  state.current = chatId;
  for (const [id, view] of state.chats) {
    const current = id === chatId;
    view.phone.classList.toggle("current", current);
    view.tab?.setAttribute("aria-selected", String(current));
    if (current) {
      view.unread = 0;
      if (view.badge) view.badge.textContent = "";
      view.stick = false;
      toBottom(view); // the newest message in view, also after messages came while hidden
      view.tab?.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }
}

// On a wider screen every chat is shown: keep each at its newest message when the layout
// changes (a phone turned, a window made wider).
PHONE.addEventListener("change", () => {
  for (const view of state.chats.values()) toBottom(view);
});

function applyLabels(labels) {
  state.labels = labels;
  document.documentElement.lang = labels.lang || "nl";
  document.title = labels.title;
  document.getElementById("title").textContent = labels.title;
  document.getElementById("intro").textContent = `${labels.intro} ${labels.hint}`;
  document.getElementById("clock-label").textContent = labels.clock;
  document.getElementById("tabs").setAttribute("aria-label", labels.chats);
  const toggle = document.getElementById("steps-toggle");
  toggle.replaceChildren(icon("forward"));
  toggle.setAttribute("aria-label", labels.steps);
  toggle.title = labels.steps;
  document.getElementById("steps").setAttribute("aria-label", labels.steps);
  for (const step of ["next", "day", "week"]) {
    document.getElementById(`step-${step}`).textContent = labels[step];
  }
  document.getElementById("tour-title").textContent = labels.tour_title;
  const close = document.getElementById("tour-close");
  close.textContent = "✕";
  close.setAttribute("aria-label", labels.close);
  close.title = labels.close;
}

function renderClock(clock) {
  document.getElementById("clock").textContent = clock.text;
  document.getElementById("clock-short").textContent = clock.short || clock.text;
  document.getElementById("event").textContent = clock.event || "";
  document.getElementById("event-full").textContent = clock.event || "";
  document.getElementById("event").title = clock.event || "";
}

function renderTour(items) {
  const list = document.getElementById("tour-items");
  const key = JSON.stringify(items);
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.replaceChildren(...items.map((item) => el("li", {
      class: item.done ? "done" : "", "data-step": item.id, "data-done": String(item.done),
    }, item.text)));
  }
  const done = items.filter((item) => item.done).length;
  document.getElementById("tour-toggle").textContent = `${state.labels.tour} ${done}/${items.length}`;
}

function openTour(open) {
  document.getElementById("tour").hidden = !open;
  document.getElementById("tour-toggle").setAttribute("aria-expanded", String(open));
  try { localStorage.setItem("privacyloket-tour", open ? "open" : "closed"); } catch (error) { /* private mode */ }
}

function render(data) {
  if (state.first) applyLabels(data.labels);
  state.chrome = data.chrome || {};
  renderClock(data.clock);
  renderTour(data.tour || []);
  for (const [query, t] of state.taps) {
    const chat = data.chats.find((c) => c.id === t.chat);
    const waits = chat && chat.waiting.some((w) => w.query === query);
    if (data.version >= t.version && !waits) state.taps.delete(query);
  }
  for (const chat of data.chats) renderChat(chat);
  state.version = data.version;
  state.first = false;
  document.body.dataset.version = String(data.version);
}

async function poll() {
  const offline = document.getElementById("offline");
  for (;;) {
    try {
      const response = await fetch(`/api/state?since=${state.version}`, { cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      render(await response.json());
      offline.hidden = true;
    } catch (error) {
      offline.textContent = state.labels.offline || "…";
      offline.hidden = false;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const steps = document.getElementById("steps");
  const stepsToggle = document.getElementById("steps-toggle");
  const closeSteps = () => {
    steps.classList.remove("open");
    stepsToggle.setAttribute("aria-expanded", "false");
  };
  stepsToggle.addEventListener("click", () => {
    const open = !steps.classList.contains("open");
    steps.classList.toggle("open", open);
    stepsToggle.setAttribute("aria-expanded", String(open));
  });
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", async () => {
      const all = document.querySelectorAll("[data-step]");
      all.forEach((b) => { b.disabled = true; });
      try {
        const result = await post("/api/clock", { step: button.dataset.step });
        renderClock(result.clock);
      } finally {
        all.forEach((b) => { b.disabled = false; });
        if (PHONE.matches) closeSteps();
      }
    });
  }
  let remembered = null;
  try { remembered = localStorage.getItem("privacyloket-tour"); } catch (error) { /* private mode */ }
  openTour(remembered !== "closed");
  document.getElementById("tour-toggle").addEventListener("click", () => {
    openTour(document.getElementById("tour").hidden);
  });
  document.getElementById("tour-close").addEventListener("click", () => openTour(false));
  document.addEventListener("click", (event) => {
    for (const menu of document.querySelectorAll(".menu")) {
      const own = menu.parentElement.querySelector(".menu-button");
      if (!menu.hidden && !menu.contains(event.target) && !own.contains(event.target)) {
        menu.hidden = true;
      }
    }
    if (steps.classList.contains("open") && !steps.contains(event.target)
        && !stepsToggle.contains(event.target)) {
      closeSteps();
    }
  });
  poll();
});
