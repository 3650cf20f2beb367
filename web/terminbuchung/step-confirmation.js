// Step 6: the confirmation, with the calendar file and the link to the manage view.

import { calendarLink } from "./calendar.js";
import { add, el } from "./dom.js";
import { ltr, t, tNodes } from "./i18n.js";
import { announce, buttonRow, notice, show, state, view } from "./page.js";
import { bookingSummary, whatToBring } from "./summary.js";

export function showConfirmation() {
  const booking = state.confirmation;
  const current = view("confirmation", t("confirmation.title"));
  add(
    current.section,
    notice(
      "success",
      el(
        "p",
        {},
        tNodes("confirmation.reference", {
          reference: ltr(
            "strong",
            { class: "tb-reference", "data-tb-reference": "" },
            booking.reference
          ),
        })
      ),
      el(
        "p",
        {},
        tNodes("confirmation.mailSent", {
          email: ltr("strong", { class: "tb-break" }, booking.email),
        })
      )
    ),
    bookingSummary(booking, booking.location, booking.service),
    whatToBring(booking.service),
    el("p", {}, t("confirmation.punctual")),
    buttonRow(
      calendarLink(booking.reference, booking.token),
      el(
        "a",
        { href: manageUrl(booking.reference, booking.token), class: "tb-link-button" },
        t("manage.open")
      )
    ),
    el("p", { class: "tb-hint-text" }, t("confirmation.keepLink"))
  );
  show(current);
  announce(t("confirmation.announce", { reference: booking.reference }));
}

// The page's own link to the manage view, like the e-mail's: reference and token in the
// fragment, which no server sees.
function manageUrl(reference, token) {
  const here = window.location.href.split("#")[0];
  return (
    here + "#reference=" + encodeURIComponent(reference) + "&token=" + encodeURIComponent(token)
  );
}
