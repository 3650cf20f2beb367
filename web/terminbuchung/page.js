// The widget's frame: its element and settings, the state of the booking in progress, the
// views (one <section> per step, its heading focused), the live region, and what every step
// shows alike (notices, the contact block, buttons, loading and failure).

import { useApi } from "./api.js";
import { add, el, uniqueId } from "./dom.js";
import { language, ltr, siteText, t, tNodes } from "./i18n.js";

// --- the element the county puts on its page, and its settings ---

export const config = { apiBase: "", privacyUrl: "" };

let app = null;
let statusRegion = null;

export function mount(root) {
  root.classList.add("tb"); // the widget's styles are scoped to .tb
  // The language of everything in the widget, and its direction (Arabic: right to left).
  root.setAttribute("lang", language().code);
  root.setAttribute("dir", language().dir);
  config.apiBase = (root.getAttribute("data-api-base") || "").trim().replace(/\/+$/, "");
  config.privacyUrl = (root.getAttribute("data-privacy-url") || "").trim();
  useApi(config.apiBase);

  app = root.querySelector("[data-tb-app]");
  if (!app) {
    app = document.createElement("div");
    app.setAttribute("data-tb-app", "");
    root.appendChild(app);
  }
  app.classList.add("tb-app");
  // The live region must exist before its text changes, or screen readers stay silent.
  statusRegion = el("div", {
    class: "tb-visually-hidden",
    role: "status",
    "aria-live": "polite",
    "aria-atomic": "true",
    "data-tb-status": "",
  });
  root.appendChild(statusRegion);
}

// --- state of the booking in progress ---

export const state = {
  locations: [],
  contact: null,
  location: null,
  service: null,
  slots: [],
  day: null,
  slot: null,
  form: { name: "", email: "", phone: "", household_number: "", remarks: "", consent: false },
  confirmation: null,
  // From the office's cancellation notice: { reference, token } of the cancelled booking.
  priority: null,
  // The 202's hold handle of a booking waiting for its confirmation: sent as replaces_hold
  // when the citizen corrects the address, so the first hold is released at once.
  hold: null,
};

// A booking or a cancellation is on its way: a second click does nothing.
export const ui = { busy: false };

let firstView = true;
let pendingNotice = null;
let shownHook = null;

// Told the name of every view shown (history.js: one browser history entry per step).
export function whenShown(hook) {
  shownHook = hook;
}

// The next view opens with this error notice (e.g. when the booking starts over).
export function noticeOnNextView(message) {
  pendingNotice = message;
}

let announceTimer = null;
export function announce(text) {
  // Emptied first and refilled a moment later, so the same text is announced again.
  statusRegion.textContent = "";
  window.clearTimeout(announceTimer);
  announceTimer = window.setTimeout(function () {
    statusRegion.textContent = text;
  }, 150);
}

// Stops what is about to be announced: the form's error summary speaks for itself.
export function silence() {
  window.clearTimeout(announceTimer);
  statusRegion.textContent = "";
}

// --- views ---

// The steps this booking goes through: a choice with one option is no step.
export function stepsFor() {
  const steps = [];
  if (state.locations.length > 1) {
    steps.push("location");
  }
  const services = state.location
    ? state.location.services
    : state.locations.flatMap(function (location) {
        return location.services;
      });
  if (services.length > 1) {
    steps.push("service");
  }
  steps.push("day", "time", "details");
  return steps;
}

export function view(name, title, step) {
  const headingId = uniqueId("heading");
  const heading = el("h2", { id: headingId, tabindex: "-1", class: "tb-heading" });
  if (step) {
    const steps = stepsFor();
    const number = steps.indexOf(step) + 1;
    heading.append(
      el("span", { class: "tb-step" }, t("step.counter", { number: number, total: steps.length })),
      el("span", { class: "tb-visually-hidden" }, ": "),
      title
    );
  } else {
    heading.append(title);
  }
  const section = el(
    "section",
    { class: "tb-view", "aria-labelledby": headingId, "data-tb-view": name },
    heading
  );
  return { section: section, heading: heading };
}

export function show(current, options) {
  const focus = options && options.focus !== undefined ? options.focus : !firstView;
  firstView = false;
  if (pendingNotice) {
    current.heading.after(notice("error", el("p", {}, pendingNotice)));
    announce(pendingNotice);
    pendingNotice = null;
  }
  app.replaceChildren(current.section);
  app.removeAttribute("aria-busy");
  if (focus) {
    current.heading.focus();
  }
  if (shownHook) {
    shownHook(current.section.getAttribute("data-tb-view"));
  }
}

export function showLoading(text) {
  app.setAttribute("aria-busy", "true");
  app.replaceChildren(el("p", { class: "tb-loading" }, text));
  announce(text);
}

export function notice(kind, ...content) {
  return el("div", { class: "tb-notice tb-notice--" + kind, "data-tb-notice": kind }, ...content);
}

export function contactBlock() {
  const contact = state.contact;
  if (!contact) {
    return null;
  }
  const telephone = "tel:" + contact.phone.replace(/[^0-9+]/g, "");
  return el(
    "div",
    { class: "tb-contact" },
    el("p", {}, t("contact.intro", { name: contact.name })),
    el(
      "ul",
      {},
      el(
        "li",
        {},
        // The office's number and hours stay as the site configures them (German).
        tNodes("contact.phone", {
          phone: ltr("a", { href: telephone }, contact.phone),
          hours: siteText(contact.phone_hours),
        })
      ),
      el(
        "li",
        {},
        tNodes("contact.email", {
          email: ltr("a", { href: "mailto:" + contact.email }, contact.email),
        })
      )
    )
  );
}

export function buttonRow(...buttons) {
  return el("div", { class: "tb-actions" }, ...buttons);
}

export function primaryButton(text, attributes) {
  return el("button", Object.assign({ type: "submit", class: "tb-button" }, attributes), text);
}

// The way through a step's form: "Weiter" sends it, "Zurück" goes to `action`'s step.
export function nextButton() {
  return primaryButton(t("button.next"));
}

export function backButton(action) {
  return secondaryButton(t("button.back"), action);
}

export function secondaryButton(text, action) {
  return el(
    "button",
    {
      type: "button",
      class: "tb-button tb-button--secondary",
      // Called without the event: the step functions take an optional message.
      onclick: function () {
        action();
      },
    },
    text
  );
}

// --- loading, and when the API cannot be reached ---

// What every step does that needs the API first: "loading" while `work` runs; if it fails,
// the failure view, whose button runs all of it again. `then` gets what `work` returned;
// its own errors are no loading errors, so it runs outside the try.
export async function load(text, work, then) {
  showLoading(text);
  let result;
  try {
    result = await work();
  } catch (error) {
    showFailure(error, function () {
      load(text, work, then);
    });
    return;
  }
  then(result);
}

// An error's text with its error number, if the API gave one (a failure of ours) and the
// message does not say it already.
export function errorText(error) {
  const message = error.message || t("api.unexpected");
  const number = error.errorNumber || error.requestId;
  if (!number || message.includes(number)) {
    return message;
  }
  return t("error.withNumber", { message: message, number: number });
}

// Failures of ours or of the connection, not of what the citizen entered: shown as such,
// never under "Bitte prüfen Sie Ihre Angaben".
export function isOurFailure(error) {
  return !error.status || error.status >= 500;
}

function showFailure(error, retry) {
  const current = view("failure", t("failure.title"));
  const message = errorText(error);
  add(
    current.section,
    notice("error", el("p", {}, message)),
    buttonRow(
      el(
        "button",
        {
          type: "button",
          class: "tb-button",
          onclick: function () {
            retry();
          },
        },
        t("failure.retry")
      )
    ),
    contactBlock()
  );
  show(current);
  announce(message);
}
