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
  const current = view("pending", "Bitte bestätigen Sie Ihren Termin");
  const until = formatTime(answer.confirm_by);
  const text =
    "Wir haben eine E-Mail an " +
    answer.email +
    " geschickt. Wir halten den Termin bis " +
    until +
    " für Sie frei.";
  add(
    current.section,
    notice(
      "info",
      el(
        "p",
        {},
        "Wir haben eine E-Mail an ",
        el("strong", { class: "tb-break", "data-tb-masked-email": "" }, answer.email),
        " geschickt. Wir halten den Termin bis ",
        el("strong", { "data-tb-confirm-by": "" }, until),
        " für Sie frei."
      ),
      el(
        "p",
        {},
        "Bitte öffnen Sie den Link „Termin bestätigen“ in der E-Mail. Erst dann ist der Termin gebucht."
      )
    ),
    bookingSummary(appointment, where.location, where.service),
    el("h3", { class: "tb-subheading" }, "Keine E-Mail bekommen?"),
    el(
      "ul",
      {},
      el("li", {}, "Bitte sehen Sie auch im Spam-Ordner nach."),
      el(
        "li",
        {},
        "Haben Sie sich bei der E-Mail-Adresse vertippt? Dann korrigieren Sie sie bitte und buchen neu. Den Termin, den wir für die falsche Adresse freihalten, geben wir dabei sofort wieder frei."
      )
    ),
    buttonRow(secondaryButton("E-Mail-Adresse korrigieren", correct))
  );
  show(current);
  announce(text);
}

// The e-mail's confirm link opened the page.
export function confirmBooking(link) {
  load(
    "Ihr Termin wird bestätigt …",
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
  const location = state.locations.find(function (candidate) {
    return candidate.id === booking.location;
  });
  const service = location
    ? location.services.find(function (candidate) {
        return candidate.id === booking.service;
      })
    : null;
  const current = view("confirmed", "Ihr Termin ist bestätigt");
  add(
    current.section,
    notice(
      "success",
      el(
        "p",
        {},
        "Vielen Dank. Ihr Termin ist gebucht. Ihre Buchungsnummer: ",
        el("strong", { class: "tb-reference", "data-tb-reference": "" }, booking.reference)
      ),
      el("p", {}, "Wir schicken Ihnen gleich eine Bestätigung mit dem Termin für Ihren Kalender.")
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
        "Termin ansehen oder absagen"
      )
    )
  );
  show(current);
  announce("Ihr Termin ist bestätigt. Buchungsnummer " + booking.reference + ".");
}

function showExpired(message) {
  const current = view("confirm-expired", "Die Zeit zum Bestätigen ist abgelaufen");
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
  const current = view("manage-not-found", "Buchung nicht gefunden");
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
