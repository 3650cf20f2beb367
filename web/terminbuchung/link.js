// What the URL fragment asks for: the manage view when the e-mail's link opened the page
// (#reference=…&token=…, in the fragment so no server log sees them), a notice when that
// link lost a part, else the booking.

import { api } from "./api.js";
import { add, el } from "./dom.js";
import { t } from "./i18n.js";
import {
  announce,
  buttonRow,
  contactBlock,
  notice,
  show,
  showLoading,
  state,
  view,
} from "./page.js";
import { confirmBooking } from "./confirm.js";
import { manage, newBookingLink } from "./manage.js";
import { priorityFromFragment, showPriorityOffer } from "./priority.js";
import { start } from "./step-location.js";

// A reference as the API issues it (no 0/O, 1/I/L), in any case, the dash optional.
const REFERENCE_PATTERN = /^[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}$/;
// The token is URL-safe Base64. Anything else is no token, and text outside Latin-1 or
// with a line break cannot even go into the request header: fetch() throws a TypeError.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,200}={0,2}$/;

// null if the fragment is no link to a booking at all (neither reference nor token, e.g. an
// anchor on the county's page); { incomplete: true } if a part is missing or damaged (a
// mail program wrapped the long link, a copy lost its end); else reference and token.
export function linkFromFragment() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  if (params.has("priority") || (!params.has("reference") && !params.has("token"))) {
    return null; // #priority=…&token=…: the office's notice, a new booking (priority.js)
  }
  const reference = (params.get("reference") || "").trim().toUpperCase();
  const token = (params.get("token") || "").trim();
  if (!REFERENCE_PATTERN.test(reference) || !TOKEN_PATTERN.test(token)) {
    return { incomplete: true };
  }
  // confirm=1: the e-mail's link that confirms a booking waiting for it (confirm.js).
  return { reference: reference, token: token, confirm: params.get("confirm") === "1" };
}

function openLink(link) {
  if (link.incomplete) {
    showIncompleteLink();
  } else if (link.confirm) {
    confirmBooking(link);
  } else {
    manage(link);
  }
}

async function showIncompleteLink() {
  if (!state.contact) {
    showLoading(t("loading.start"));
    try {
      const answer = await api("GET", "/locations");
      state.locations = (answer && answer.locations) || [];
      state.contact = (answer && answer.contact) || null;
    } catch (error) {
      // Only the phone number is missing then; the notice itself matters more. So no
      // failure view with "try again" here, unlike the other loads.
    }
  }
  const current = view("link-incomplete", t("link.incomplete.title"));
  add(
    current.section,
    notice("error", el("p", {}, t("link.incomplete"))),
    contactBlock(),
    buttonRow(newBookingLink())
  );
  show(current);
  announce(t("link.incomplete"));
}

// The first view: the manage view when the e-mail's link opened the page, else the booking.
export function route() {
  const link = linkFromFragment();
  state.priority = priorityFromFragment();
  if (link) {
    openLink(link);
  } else if (state.priority) {
    showPriorityOffer(start);
  } else {
    start();
  }
}

// A manage link opened while the page is open already (the fragment changed).
export function followLinks() {
  window.addEventListener("hashchange", function () {
    const link = linkFromFragment();
    if (link) {
      openLink(link);
    }
  });
}
