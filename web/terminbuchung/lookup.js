// "Link verloren?": the links to one's appointments, sent to the address they were booked
// with. The page learns nothing about anyone's bookings: the API answers every address
// alike, and the e-mail goes only to an address that holds a booking.

import { api } from "./api.js";
import { add, el } from "./dom.js";
import { prepare as prepareProofOfWork, sendWithProofOfWork } from "./proof-of-work.js";
import {
  announce,
  buttonRow,
  contactBlock,
  errorText,
  isOurFailure,
  notice,
  primaryButton,
  secondaryButton,
  show,
  silence,
  ui,
  view,
} from "./page.js";
import { resetErrors, showErrors, textField } from "./widgets.js";

const NO_ADDRESS = "Bitte geben Sie die E-Mail-Adresse ein, mit der Sie gebucht haben.";

// The way to the lookup form, for the start page and a link that found no booking.
export function lookupOffer(back) {
  return el(
    "div",
    { class: "tb-lookup-offer", "data-tb-lookup-offer": "" },
    el("p", {}, "Sie haben schon einen Termin gebucht und finden den Link nicht mehr?"),
    buttonRow(
      secondaryButton("Link zu meinem Termin zuschicken", function () {
        showLookup(back);
      })
    )
  );
}

export function showLookup(back) {
  const current = view("lookup", "Link zu Ihrem Termin verloren?");
  prepareProofOfWork(); // solved while the citizen types the address
  const email = textField({
    name: "email",
    label: "E-Mail-Adresse",
    hint: "Die Adresse, mit der Sie gebucht haben. Dorthin schicken wir die Links zu Ihren Terminen.",
    type: "email",
    autocomplete: "email",
    spellcheck: "false",
    autocapitalize: "off",
    required: true,
    maxlength: 254,
  });
  const form = el("form", { novalidate: true, class: "tb-form", "data-tb-form": "lookup" });
  const submit = primaryButton("Link zuschicken");
  form.append(email.element, buttonRow(submit, back ? secondaryButton("Zurück", back) : null));
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (ui.busy) {
      return;
    }
    resetErrors(form);
    const address = email.input.value.trim();
    if (!address || address.indexOf("@") < 1) {
      showErrors(form, [{ field: email, message: NO_ADDRESS }]);
      return;
    }
    ui.busy = true;
    submit.setAttribute("aria-disabled", "true");
    announce("Ihre Anfrage wird gesendet …");
    try {
      const answer = await sendWithProofOfWork(function (altcha) {
        return api("POST", "/bookings/lookup", { email: address, altcha: altcha });
      });
      showSent(answer.email, back);
    } catch (error) {
      submit.removeAttribute("aria-disabled");
      silence();
      if (isOurFailure(error) || error.field !== "email") {
        const box = notice("error", el("p", {}, errorText(error)));
        box.setAttribute("tabindex", "-1");
        form.prepend(box);
        box.focus();
        announce(errorText(error));
      } else {
        showErrors(form, [{ field: email, message: errorText(error) }]);
      }
    } finally {
      ui.busy = false;
    }
  });
  add(
    current.section,
    el(
      "p",
      {},
      "Wir schicken die Links zu Ihren Terminen an die E-Mail-Adresse, mit der Sie gebucht haben."
    ),
    form
  );
  show(current);
}

// The same text whatever the address: whether it holds a booking is told by e-mail only.
function showSent(masked, back) {
  const current = view("lookup-sent", "Bitte sehen Sie in Ihr E-Mail-Postfach");
  const text =
    "Wenn unter der Adresse " +
    masked +
    " ein Termin gebucht ist, bekommen Sie gleich eine E-Mail mit dem Link dazu.";
  add(
    current.section,
    notice(
      "info",
      el("p", {}, text),
      el(
        "p",
        {},
        "Bitte sehen Sie auch im Spam-Ordner nach. Wir schicken diese E-Mail höchstens alle 10 Minuten."
      )
    ),
    el(
      "p",
      {},
      "Keine E-Mail bekommen? Dann ist unter dieser Adresse vielleicht kein Termin gebucht, oder Sie haben mit einer anderen Adresse gebucht. Rufen Sie uns gern an."
    ),
    contactBlock(),
    back ? buttonRow(secondaryButton("Zurück zur Terminbuchung", back)) : null
  );
  show(current);
  announce(text);
}
