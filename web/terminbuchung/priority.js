// The office cancelled an appointment: its notice links here with
// #priority=<reference>&token=<token> (the cancelled booking's, in the fragment so no
// server log sees them). The page offers "Neuen Termin mit Vorrang buchen" and sends them
// with the booking as priority_for; the API decides whether the priority holds (once).

import { add, el } from "./dom.js";
import { t } from "./i18n.js";
import { buttonRow, notice, show, state, view } from "./page.js";

const REFERENCE_PATTERN = /^[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,200}={0,2}$/;

// { reference, token } if the fragment is the notice's link, else null.
export function priorityFromFragment() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  if (!params.has("priority")) {
    return null;
  }
  const reference = (params.get("priority") || "").trim().toUpperCase();
  const token = (params.get("token") || "").trim();
  if (!REFERENCE_PATTERN.test(reference) || !TOKEN_PATTERN.test(token)) {
    return null; // a damaged link books without priority; the API would refuse it anyway
  }
  return { reference: reference, token: token };
}

export function isPriorityLink() {
  return /(?:^#|&)priority=/.test(window.location.hash);
}

// The first view of the notice's link: what the priority is, then the booking's steps.
export function showPriorityOffer(next) {
  const current = view("priority", t("priority.title"));
  add(
    current.section,
    el("p", {}, t("priority.text")),
    el("p", {}, t("priority.how")),
    buttonRow(
      el(
        "button",
        {
          type: "button",
          class: "tb-button",
          onclick: function () {
            next();
          },
        },
        t("priority.choose")
      )
    )
  );
  show(current);
}

// On the details step: the booking will use the priority.
export function priorityHint() {
  if (!state.priority) {
    return null;
  }
  return notice(
    "info",
    el("p", { "data-tb-priority": "" }, t("priority.hint"))
  );
}
