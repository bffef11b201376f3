// The demo page: polls /api/state and shows each chat as Telegram would. No framework.
"use strict";

const state = { version: -1, labels: {}, chats: new Map(), current: null, seenToasts: new Set(), first: true };

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

function fileCard(chatId, doc) {
  const ext = (doc.name.split(".").pop() || "").slice(0, 4).toUpperCase();
  const meta = el("span", { class: "meta" }, el("span", { class: "fname" }, doc.name));
  if (doc.url) {
    meta.append(
      el("a", { href: doc.url, download: doc.name, "data-download": doc.name },
        `${state.labels.download || "Download"} · ${size(doc.size || 0)}`)
    );
  }
  return el("div", { class: "file" }, el("span", { class: "icon" }, ext || "FILE"), meta);
}

function renderMessage(chatId, message) {
  const bubble = el("div", { class: "bubble" });
  if (message.document) bubble.append(fileCard(chatId, message.document));
  if (message.html) {
    const body = el("span", { class: "text" });
    body.innerHTML = message.html; // built by the server from entities, every character escaped
    for (const spoiler of body.querySelectorAll(".spoiler")) {
      spoiler.addEventListener("click", () => spoiler.classList.add("shown"));
    }
    bubble.append(body);
  }
  if (message.edited) bubble.append(el("span", { class: "edited" }, state.labels.edited || "edited"));
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
            type: "button",
            onclick: (event) => {
              event.currentTarget.disabled = true;
              post(`/api/chats/${chatId}/tap`, { message_id: message.id, row: r, column: c })
                .catch(() => { event.currentTarget.disabled = false; });
            },
          }, button.text));
        }
      });
      keyboard.append(line);
    });
    node.append(keyboard);
  }
  node.dataset.json = JSON.stringify(message);
  return node;
}

function showToast(phone, toast) {
  const node = el("div", { class: toast.alert ? "toast alert" : "toast", role: "status" }, toast.text);
  phone.append(node);
  setTimeout(() => node.remove(), toast.alert ? 4000 : 2500);
}

function buildPhone(chat) {
  const messages = el("div", { class: "messages", "aria-live": "polite" });
  const input = el("textarea", { rows: "1", "aria-label": state.labels.placeholder || "Message" });
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
  const menuButton = el("button", {
    type: "button", class: "menu-button",
    onclick: () => { menu.hidden = !menu.hidden; },
  }, `☰ ${state.labels.menu || "Menu"}`);
  composer.append(menuButton);
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
      type: "button", class: "attach", title: state.labels.attach, "aria-label": state.labels.attach,
      onclick: () => file.click(),
    }, state.labels.attach || "File"));
  }
  composer.append(input, el("button", { type: "button", class: "send", onclick: sendText }, state.labels.send || "Send"));

  const head = el("div", { class: "phone-head" },
    el("div", { class: "name" }, chat.title),
    el("div", { class: "role" }, chat.subtitle));
  if (chat.deep_link) {
    head.append(el("button", {
      type: "button", class: "deep-link",
      onclick: () => post(`/api/chats/${chat.id}/start`),
    }, state.labels.deep_link || "QR"));
  }
  const phone = el("section", { class: "phone", "data-chat": chat.id, "aria-label": chat.title },
    head, messages, menu, composer);
  return { phone, messages, menu, commands: "", rendered: new Map() };
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

function renderChat(chat) {
  let view = state.chats.get(chat.id);
  if (!view) {
    view = buildPhone(chat);
    state.chats.set(chat.id, view);
    document.getElementById("chats").append(view.phone);
    const tab = el("button", { type: "button", role: "tab", onclick: () => select(chat.id) }, chat.title);
    view.tab = tab;
    document.getElementById("tabs").append(tab);
    if (state.current === null) select(chat.id);
  }
  renderMenu(view, chat);
  const box = view.messages;
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const wanted = new Set(chat.messages.map((m) => String(m.id)));
  for (const [id, node] of view.rendered) {
    if (!wanted.has(id)) { node.remove(); view.rendered.delete(id); }
  }
  let previous = null;
  for (const message of chat.messages) {
    const id = String(message.id);
    const json = JSON.stringify(message);
    let node = view.rendered.get(id);
    if (!node || node.dataset.json !== json) {
      const fresh = renderMessage(chat.id, message);
      if (node) node.replaceWith(fresh); // an edit: the same place in the chat
      node = fresh;
      view.rendered.set(id, node);
    }
    const expected = previous ? previous.nextSibling : box.firstChild;
    if (expected !== node) box.insertBefore(node, expected);
    previous = node;
  }
  box.querySelector(".empty")?.remove();
  if (!chat.messages.length) box.append(el("p", { class: "empty" }, state.labels.empty || ""));
  if (atBottom || state.first) box.scrollTop = box.scrollHeight;
  for (const toast of chat.toasts) {
    if (state.seenToasts.has(toast.id)) continue;
    state.seenToasts.add(toast.id);
    if (!state.first) showToast(view.phone, toast);
  }
}

function select(chatId) {
  state.current = chatId;
  for (const [id, view] of state.chats) {
    view.phone.classList.toggle("current", id === chatId);
    view.tab?.setAttribute("aria-selected", String(id === chatId));
  }
}

function applyLabels(labels) {
  state.labels = labels;
  document.documentElement.lang = labels.lang || "nl";
  document.title = labels.title;
  document.getElementById("title").textContent = labels.title;
  document.getElementById("intro").textContent = labels.intro;
  document.getElementById("hint").textContent = labels.hint;
  document.getElementById("clock-label").textContent = labels.clock;
  for (const step of ["day", "week", "digest"]) {
    document.getElementById(`step-${step}`).textContent = labels[step];
  }
}

function render(data) {
  if (state.first) applyLabels(data.labels);
  document.getElementById("clock").textContent = data.clock;
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
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", async () => {
      const all = document.querySelectorAll("[data-step]");
      all.forEach((b) => { b.disabled = true; });
      try {
        const result = await post("/api/clock", { step: button.dataset.step });
        document.getElementById("clock").textContent = result.clock;
      } finally {
        all.forEach((b) => { b.disabled = false; });
      }
    });
  }
  document.addEventListener("click", (event) => {
    for (const menu of document.querySelectorAll(".menu")) {
      const own = menu.parentElement.querySelector(".menu-button");
      if (!menu.hidden && !menu.contains(event.target) && !own.contains(event.target)) {
        menu.hidden = true;
      }
    }
  });
  poll();
});
