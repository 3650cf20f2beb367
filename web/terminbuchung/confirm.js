// Bookings that count once the e-mail address is confirmed: the answer to a booking that
// waits for it (202, "Bitte bestätigen Sie Ihren Termin"), and the e-mail's confirm link
// (#reference=…&token=…&confirm=1), which confirms and then shows the booking.
//
// Every text here reads the same whether or not the address or household holds another
// booking: the API answers alike, and says the rest by e-mail.

import { api } from "./api.js";
import { calendarLink } from "./calendar.js";
import { formatTime } from "./dates.js";
import { add, el } from "./dom.js";
import { ltr, t, tNodes } from "./i18n.js";
import { proposeBookingLanguage } from "./language-switch.js";
import {
  announce,
  buttonRow,
  contactBlock,
  load,
  notice,
  secondaryButton,
  show,
  state,
  view,
} from "./page.js";
import { lookupOffer } from "./lookup.js";
import { manage, newBookingLink } from "./manage.js";
import { bookingSummary } from "./summary.js";

// After POST /bookings answered 202: `appointment` {start, end} and `where` {location,
// service} as chosen. `correct`: back to the form, to type the address again.
export function showPending(answer, appointment, where, correct) {
  const current = view("pending", t("pending.title"));
  const until = formatTime(answer.confirm_by);
  const text = t("pending.sent", { email: answer.email, time: until });
  add(
    current.section,
    notice(
      "info",
      el(
        "p",
        {},
        tNodes("pending.sent", {
          email: ltr("strong", { class: "tb-break", "data-tb-masked-email": "" }, answer.email),
          time: el("strong", { "data-tb-confirm-by": "" }, until),
        })
      ),
      el("p", {}, t("pending.open"))
    ),
    bookingSummary(appointment, where.location, where.service),
    el("h3", { class: "tb-subheading" }, t("pending.noMail")),
    el(
      "ul",
      {},
      el("li", {}, t("pending.spam")),
      el("li", {}, t("pending.typo"))
    ),
    buttonRow(secondaryButton(t("pending.correct"), correct))
  );
  show(current);
  announce(text);
}

// The e-mail's confirm link opened the page.
export function confirmBooking(link) {
  load(
    t("confirm.loading"),
    async function () {
      const path = "/bookings/" + encodeURIComponent(link.reference) + "/confirm";
      const [outcome, locations] = await Promise.allSettled([
        api("POST", path, { token: link.token }),
        api("GET", "/locations"),
      ]);
      if (locations.status === "fulfilled" && locations.value) {
        state.locations = locations.value.locations || [];
        state.contact = locations.value.contact || null;
      }
      if (outcome.status === "fulfilled") {
        return { booking: outcome.value };
      }
      const error = outcome.reason;
      if (error.code === "expired" || error.code === "booking_not_found") {
        return { refused: error };
      }
      throw error;
    },
    function (result) {
      // Done with the link: a reload shows the booking and confirms nothing again.
      window.history.replaceState(null, "", manageHref(link));
      if (result.booking) {
        showConfirmed(result.booking, link);
      } else if (result.refused.code === "expired") {
        showExpired(result.refused.message);
      } else {
        showNotFound(result.refused.message);
      }
    }
  );
}

function manageHref(link) {
  return (
    window.location.href.split("#")[0] +
    "#reference=" +
    encodeURIComponent(link.reference) +
    "&token=" +
    encodeURIComponent(link.token)
  );
}

function showConfirmed(booking, link) {
  if (booking.status !== "confirmed") {
    manage(link); // cancelled since, say: the manage view says what it is
    return;
  }
  proposeBookingLanguage(booking.language);
  const location = state.locations.find(function (candidate) {
    return candidate.id === booking.location;
  });
  const service = location
    ? location.services.find(function (candidate) {
        return candidate.id === booking.service;
      })
    : null;
  const current = view("confirmed", t("confirm.title"));
  add(
    current.section,
    notice(
      "success",
      el(
        "p",
        {},
        tNodes("confirm.thanks", {
          reference: ltr(
            "strong",
            { class: "tb-reference", "data-tb-reference": "" },
            booking.reference
          ),
        })
      ),
      el("p", {}, t("confirm.calendarMail"))
    ),
    bookingSummary(booking, location || null, service || null),
    buttonRow(
      calendarLink(booking.reference, link.token),
      el(
        "a",
        {
          href: manageHref(link),
          class: "tb-link-button",
          onclick: function (event) {
            event.preventDefault();
            manage(link);
          },
        },
        t("manage.open")
      )
    )
  );
  show(current);
  announce(t("confirm.announce", { reference: booking.reference }));
}

function showExpired(message) {
  const current = view("confirm-expired", t("confirm.expired.title"));
  add(
    current.section,
    notice("error", el("p", {}, message)),
    buttonRow(newBookingLink()),
    contactBlock()
  );
  show(current);
  announce(message);
}

function showNotFound(message) {
  const current = view("manage-not-found", t("manage.notFound.title"));
  add(
    current.section,
    notice("error", el("p", {}, message)),
    lookupOffer(null),
    contactBlock(),
    buttonRow(newBookingLink())
  );
  show(current);
  announce(message);
}
