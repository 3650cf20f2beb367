// "Link verloren?": the links to one's appointments, sent to the address they were booked
// with. The page learns nothing about anyone's bookings: the API answers every address
// alike, and the e-mail goes only to an address that holds a booking.

import { api } from "./api.js";
import { add, el } from "./dom.js";
import { t } from "./i18n.js";
import { prepare as prepareProofOfWork, sendWithProofOfWork } from "./proof-of-work.js";
import {
  announce,
  backButton,
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

// The way to the lookup form, for the start page and a link that found no booking.
export function lookupOffer(back) {
  return el(
    "div",
    { class: "tb-lookup-offer", "data-tb-lookup-offer": "" },
    el("p", {}, t("lookup.offer")),
    buttonRow(
      secondaryButton(t("lookup.offerButton"), function () {
        showLookup(back);
      })
    )
  );
}

export function showLookup(back) {
  const current = view("lookup", t("lookup.title"));
  prepareProofOfWork(); // solved while the citizen types the address
  const email = textField({
    name: "email",
    label: t("details.email"),
    hint: t("lookup.email.hint"),
    type: "email",
    autocomplete: "email",
    spellcheck: "false",
    autocapitalize: "off",
    required: true,
    maxlength: 254,
  });
  const form = el("form", { novalidate: true, class: "tb-form", "data-tb-form": "lookup" });
  const submit = primaryButton(t("lookup.submit"));
  form.append(email.element, buttonRow(submit, back ? backButton(back) : null));
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (ui.busy) {
      return;
    }
    resetErrors(form);
    const address = email.input.value.trim();
    if (!address || address.indexOf("@") < 1) {
      showErrors(form, [{ field: email, message: t("lookup.email.missing") }]);
      return;
    }
    ui.busy = true;
    submit.setAttribute("aria-disabled", "true");
    announce(t("lookup.sending"));
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
    el("p", {}, t("lookup.intro")),
    form
  );
  show(current);
}

// The same text whatever the address: whether it holds a booking is told by e-mail only.
function showSent(masked, back) {
  const current = view("lookup-sent", t("lookup.sent.title"));
  const text = t("lookup.sent.text", { email: masked });
  add(
    current.section,
    notice(
      "info",
      el("p", {}, text),
      el("p", {}, t("lookup.sent.spam"))
    ),
    el("p", {}, t("lookup.sent.none")),
    contactBlock(),
    back ? buttonRow(secondaryButton(t("lookup.back"), back)) : null
  );
  show(current);
  announce(text);
}
