// The manage view, opened from the link in the e-mail: the booking, its calendar file, and
// cancelling it.

import { api } from "./api.js";
import { calendarLink } from "./calendar.js";
import { formatWhen } from "./dates.js";
import { add, el, uniqueId } from "./dom.js";
import { t } from "./i18n.js";
import { proposeBookingLanguage } from "./language-switch.js";
import {
  announce,
  buttonRow,
  contactBlock,
  load,
  notice,
  show,
  state,
  ui,
  view,
} from "./page.js";
import { confirmBooking } from "./confirm.js";
import { lookupOffer } from "./lookup.js";
import { start } from "./step-location.js";
import { rescheduleButton } from "./step-reschedule.js";
import { bookingSummary, whatToBring } from "./summary.js";

// Headings (catalogue keys) by the booking's status; any other status is a cancellation.
const TITLES = {
  confirmed: "manage.title",
  cancelled: "manage.title.cancelled",
  pending: "manage.title.pending",
  expired: "manage.title.invalid",
  // Replaced by a booking with the address corrected: to whoever opens the first e-mail's
  // link (perhaps a stranger at the mistyped address) it reads like an expired one.
  replaced: "manage.title.invalid",
};

export function manage(link) {
  load(
    t("manage.loading"),
    function () {
      return fetchBooking(link);
    },
    function (found) {
      if (!found.notFound) {
        showBooking(found.booking, link);
        return;
      }
      const current = view("manage-not-found", t("manage.notFound.title"));
      add(
        current.section,
        notice("error", el("p", {}, found.notFound.message)),
        lookupOffer(null),
        contactBlock(),
        buttonRow(newBookingLink())
      );
      show(current);
      announce(found.notFound.message);
    }
  );
}

// The booking, or that there is none for this link; any other failure is thrown (and
// offered again). The locations only add names, address and phone number.
async function fetchBooking(link) {
  const results = await Promise.allSettled([
    api("GET", "/bookings/" + encodeURIComponent(link.reference), undefined, {
      "X-Booking-Token": link.token,
    }),
    api("GET", "/locations"),
  ]);
  if (results[1].status === "fulfilled" && results[1].value) {
    state.locations = results[1].value.locations || [];
    state.contact = results[1].value.contact || null;
  }
  if (results[0].status === "fulfilled") {
    return { booking: results[0].value };
  }
  if (results[0].reason.code === "booking_not_found") {
    return { notFound: results[0].reason };
  }
  throw results[0].reason;
}

export function newBookingLink(text) {
  const here = window.location.href.split("#")[0];
  return el(
    "a",
    {
      href: here,
      class: "tb-link-button",
      onclick: function (event) {
        // Leave the manage view without a reload, and drop the token from the address bar.
        event.preventDefault();
        window.history.pushState(null, "", here);
        resetBooking();
        start();
      },
    },
    text || t("manage.newBooking")
  );
}

function resetBooking() {
  state.location = null;
  state.service = null;
  state.day = null;
  state.slot = null;
  state.confirmation = null;
}

function describeBooking(booking) {
  const location = state.locations.find(function (candidate) {
    return candidate.id === booking.location;
  });
  const service = location
    ? location.services.find(function (candidate) {
        return candidate.id === booking.service;
      })
    : null;
  return { location: location || null, service: service || null };
}

function showBooking(booking, link) {
  proposeBookingLanguage(booking.language);
  const known = describeBooking(booking);
  const confirmed = booking.status === "confirmed";
  const begun = new Date(booking.start).getTime() <= Date.now();
  const title = t(TITLES[booking.status] || TITLES.cancelled);
  const current = view("manage", title);
  if (booking.status === "pending") {
    // Not yet confirmed: the e-mail's confirm link, or this button, makes it count.
    add(
      current.section,
      notice(
        "info",
        el("p", {}, t("manage.pending")),
        buttonRow(
          el(
            "button",
            {
              type: "button",
              class: "tb-button",
              onclick: function () {
                confirmBooking(link);
              },
            },
            t("manage.confirmNow")
          )
        )
      ),
      bookingSummary(booking, known.location, known.service)
    );
    show(current);
    return;
  }
  if (booking.status === "expired" || booking.status === "replaced") {
    add(
      current.section,
      notice(
        "info",
        el("p", {}, t("manage.expired"))
      )
    );
  }
  if (booking.status === "cancelled") {
    add(
      current.section,
      notice("info", el("p", {}, t("manage.cancelled")))
    );
  } else if (booking.status === "cancelled_by_office") {
    add(
      current.section,
      notice(
        "info",
        el("p", {}, t("manage.cancelledByOffice"))
      )
    );
  }
  add(current.section, bookingSummary(booking, known.location, known.service));
  if (!confirmed) {
    add(current.section, buttonRow(newBookingLink()));
    show(current);
    return;
  }
  add(current.section, whatToBring(known.service));
  if (begun) {
    add(
      current.section,
      notice(
        "info",
        el("p", {}, t("manage.begun"))
      ),
      contactBlock()
    );
    show(current);
    return;
  }
  const cancelButton = el(
    "button",
    { type: "button", class: "tb-button tb-button--warning" },
    t("manage.cancel")
  );
  const question = el("section", { class: "tb-confirm", hidden: true, "data-tb-confirm": "" });
  cancelButton.addEventListener("click", function () {
    askToCancel(question, cancelButton, booking, link);
  });
  add(
    current.section,
    buttonRow(
      calendarLink(booking.reference, link.token),
      rescheduleButton(booking, link),
      cancelButton
    ),
    question
  );
  show(current);
}

function askToCancel(question, cancelButton, booking, link) {
  const headingId = uniqueId("confirm");
  const heading = el(
    "h3",
    { id: headingId, tabindex: "-1", class: "tb-heading" },
    t("cancel.question")
  );
  const progress = el("p", { class: "tb-progress", hidden: true }, t("cancel.progress"));
  const errorBox = el("div", { "data-tb-confirm-error": "" });
  const yes = el(
    "button",
    { type: "button", class: "tb-button tb-button--warning" },
    t("cancel.yes")
  );
  const no = el(
    "button",
    { type: "button", class: "tb-button tb-button--secondary" },
    t("cancel.no")
  );
  no.addEventListener("click", function () {
    question.hidden = true;
    question.replaceChildren();
    cancelButton.hidden = false;
    cancelButton.focus();
  });
  yes.addEventListener("click", async function () {
    if (ui.busy) {
      return;
    }
    ui.busy = true;
    yes.setAttribute("aria-disabled", "true");
    progress.hidden = false;
    announce(t("cancel.progress"));
    try {
      const result = await api(
        "POST",
        "/bookings/" + encodeURIComponent(link.reference) + "/cancel",
        { token: link.token }
      );
      showCancelled(Object.assign({}, booking, { status: result.status }));
    } catch (error) {
      progress.hidden = true;
      yes.removeAttribute("aria-disabled");
      errorBox.replaceChildren(notice("error", el("p", {}, error.message)));
      announce(error.message);
      if (error.code === "too_late" || error.code === "booking_not_found") {
        yes.hidden = true;
      }
    } finally {
      ui.busy = false;
    }
  });
  question.setAttribute("aria-labelledby", headingId);
  question.replaceChildren(
    heading,
    el("p", {}, t("cancel.explain", { when: formatWhen(booking.start) })),
    errorBox,
    buttonRow(yes, no),
    progress
  );
  question.hidden = false;
  cancelButton.hidden = true;
  heading.focus();
}

function showCancelled(booking) {
  const known = describeBooking(booking);
  const current = view("cancelled", t("cancelled.title"));
  add(
    current.section,
    notice(
      "success",
      el("p", {}, t("cancelled.text", { when: formatWhen(booking.start) }))
    ),
    bookingSummary(booking, known.location, known.service),
    buttonRow(newBookingLink())
  );
  show(current);
  announce(t("cancelled.announce"));
}
