// Step 6: the confirmation, with the calendar file and the link to the manage view.

import { calendarLink } from "./calendar.js";
import { add, el } from "./dom.js";
import { announce, buttonRow, notice, show, state, view } from "./page.js";
import { bookingSummary, whatToBring } from "./summary.js";

export function showConfirmation() {
  const booking = state.confirmation;
  const current = view("confirmation", "Ihr Termin ist gebucht");
  add(
    current.section,
    notice(
      "success",
      el(
        "p",
        {},
        "Ihre Buchungsnummer: ",
        el("strong", { class: "tb-reference", "data-tb-reference": "" }, booking.reference)
      ),
      el(
        "p",
        {},
        "Wir schicken Ihnen eine Bestätigung an ",
        el("strong", { class: "tb-break" }, booking.email),
        ". Bitte sehen Sie auch im Spam-Ordner nach."
      )
    ),
    bookingSummary(booking, booking.location, booking.service),
    whatToBring(booking.service),
    el(
      "p",
      {},
      "Bitte kommen Sie pünktlich. Wenn Sie nicht kommen können, sagen Sie den Termin bitte ab – dann bekommt jemand anderes Ihren Termin."
    ),
    buttonRow(
      calendarLink(booking.reference, booking.token),
      el("a", { href: manageUrl(booking.reference, booking.token), class: "tb-link-button" }, "Termin ansehen oder absagen")
    ),
    el(
      "p",
      { class: "tb-hint-text" },
      "Den Link zum Absagen finden Sie auch in der E-Mail. Geben Sie ihn bitte nicht weiter."
    )
  );
  show(current);
  announce("Ihr Termin ist gebucht. Buchungsnummer " + booking.reference + ".");
}

// The page's own link to the manage view, like the e-mail's: reference and token in the
// fragment, which no server sees.
function manageUrl(reference, token) {
  const here = window.location.href.split("#")[0];
  return (
    here + "#reference=" + encodeURIComponent(reference) + "&token=" + encodeURIComponent(token)
  );
}
