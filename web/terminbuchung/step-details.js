// Step 5: name, e-mail and consent, then the booking itself; the API's errors go to their
// fields, a lost race back to the times.

import { api } from "./api.js";
import { attemptDone, idempotencyHeader } from "./attempts.js";
import { formatWhen } from "./dates.js";
import { add, el } from "./dom.js";
import { language, t, tNodes } from "./i18n.js";
import { keepHold } from "./history.js";
import {
  announce,
  buttonRow,
  config,
  errorText,
  isOurFailure,
  notice,
  noticeOnNextView,
  primaryButton,
  secondaryButton,
  show,
  silence,
  state,
  ui,
  view,
} from "./page.js";
import { prepare as prepareProofOfWork, sendWithProofOfWork } from "./proof-of-work.js";
import { showPending } from "./confirm.js";
import { priorityHint } from "./priority.js";
import { showConfirmation } from "./step-confirmation.js";
import { start } from "./step-location.js";
import { reloadTimes, showTimes } from "./step-time.js";
import { place, serviceWithDuration, summaryList } from "./summary.js";
import { checkboxField, resetErrors, showErrors, textAreaField, textField } from "./widgets.js";

const FORM_FIELDS = ["name", "email", "phone", "household_number", "remarks", "consent"];

function appointmentSummary() {
  return summaryList([
    [t("summary.when"), formatWhen(state.slot.start)],
    [t("summary.location"), place(state.location)],
    [t("summary.service"), serviceWithDuration(state.service)],
  ]);
}

export function showDetails() {
  const current = view("details", t("details.title"), "details");
  const fields = {
    name: textField({
      name: "name",
      label: t("details.name"),
      autocomplete: "name",
      required: true,
      maxlength: 100,
      value: state.form.name,
    }),
    email: textField({
      name: "email",
      label: t("details.email"),
      hint: t("details.email.hint"),
      type: "email",
      autocomplete: "email",
      spellcheck: "false",
      autocapitalize: "off",
      required: true,
      maxlength: 254,
      value: state.form.email,
    }),
    phone: textField({
      name: "phone",
      label: t("details.phone"),
      hint: t("details.phone.hint"),
      type: "tel",
      autocomplete: "tel",
      maxlength: 30,
      width: "medium",
      value: state.form.phone,
    }),
    household_number: textField({
      name: "household_number",
      label: t("details.household"),
      hint: t("details.household.hint"),
      autocomplete: "off",
      spellcheck: "false",
      autocapitalize: "characters",
      maxlength: 20,
      width: "medium",
      value: state.form.household_number,
    }),
    remarks: textAreaField({
      name: "remarks",
      label: t("details.remarks"),
      hint: t("details.remarks.hint"),
      maxlength: 500,
      value: state.form.remarks,
    }),
  };
  const privacyLink = config.privacyUrl
    ? el(
        "p",
        { class: "tb-hint-text" },
        tNodes("details.privacy", {
          link: el(
            "a",
            { href: config.privacyUrl, target: "_blank", rel: "noopener" },
            t("details.privacyLink")
          ),
        })
      )
    : null;
  fields.consent = checkboxField({
    name: "consent",
    label: t("details.consent"),
    checked: state.form.consent,
    before: privacyLink,
  });

  const form = el("form", { novalidate: true, class: "tb-form", "data-tb-form": "booking" });
  add(form, priorityHint());
  form.append(
    appointmentSummary(),
    buttonRow(secondaryButton(t("details.change"), showTimes)),
    fields.name.element,
    fields.email.element,
    fields.phone.element,
    fields.household_number.element,
    fields.remarks.element,
    fields.consent.element
  );
  const progress = el("p", { class: "tb-progress", hidden: true }, t("details.progress"));
  const submit = primaryButton(t("details.submit"));
  form.append(buttonRow(submit), progress);

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (ui.busy) {
      return;
    }
    FORM_FIELDS.forEach(function (name) {
      if (name === "consent") {
        state.form.consent = fields.consent.input.checked;
      } else {
        state.form[name] = fields[name].input.value.trim();
      }
    });
    resetErrors(form);
    // Only what can be told without asking the server; everything else the API checks.
    const missing = [];
    if (!state.form.name) {
      missing.push({ field: fields.name, message: t("details.name.missing") });
    }
    if (!state.form.email) {
      missing.push({ field: fields.email, message: t("details.email.missing") });
    }
    if (!state.form.consent) {
      missing.push({ field: fields.consent, message: t("details.consent.missing") });
    }
    if (missing.length) {
      showErrors(form, missing);
      return;
    }
    const payload = {
      location: state.location.id,
      service: state.service.id,
      start: state.slot.start,
      name: state.form.name,
      email: state.form.email,
      // The e-mails about this booking go out in the language the citizen reads the page in.
      language: language().code,
    };
    if (state.form.phone) {
      payload.phone = state.form.phone;
    }
    if (state.form.household_number) {
      payload.household_number = state.form.household_number;
    }
    if (state.form.remarks) {
      payload.remarks = state.form.remarks;
    }
    if (state.priority) {
      // The office cancelled this citizen's appointment: the notice's link (priority.js).
      payload.priority_for = { reference: state.priority.reference, token: state.priority.token };
    }
    if (state.hold) {
      // A corrected address ("E-Mail-Adresse korrigieren"): this booking replaces the
      // first one, which waits for a confirmation that cannot come (its seat is freed).
      payload.replaces_hold = state.hold;
    }
    ui.busy = true;
    submit.setAttribute("aria-disabled", "true");
    progress.hidden = false;
    announce(t("details.progress"));
    try {
      // One key per attempt (attempts.js): a retry of the same entries gets this booking.
      const confirmation = await bookWithProofOfWork(
        payload,
        idempotencyHeader("POST /bookings " + JSON.stringify(payload))
      );
      attemptDone();
      if (confirmation.status === "pending") {
        // It counts once the citizen confirms the address by the e-mail's link (202).
        keepHold(confirmation.hold);
        showPending(
          confirmation,
          { start: state.slot.start, end: state.slot.end },
          { location: state.location, service: state.service },
          showDetails
        );
        return;
      }
      keepHold(null);
      state.confirmation = {
        reference: confirmation.reference,
        token: confirmation.cancel_token,
        start: confirmation.start,
        end: confirmation.end,
        location: state.location,
        service: state.service,
        email: payload.email,
      };
      showConfirmation();
    } catch (error) {
      progress.hidden = true;
      submit.removeAttribute("aria-disabled");
      silence();
      bookingFailed(form, fields, error);
    } finally {
      ui.busy = false;
    }
  });
  add(current.section, form);
  show(current);
  // Solved in the background while the citizen types: nobody waits for it.
  prepareProofOfWork();
}

// The booking with the proof of work the page solved while the citizen typed (not part of
// the attempt's key: it changes per try).
function bookWithProofOfWork(payload, headers) {
  return sendWithProofOfWork(function (altcha) {
    return api("POST", "/bookings", Object.assign({ altcha: altcha }, payload), headers);
  });
}

function bookingFailed(form, fields, error) {
  if (error.code === "slot_full" || error.code === "slot_unavailable" || error.field === "start") {
    // Someone else was faster: show the times that are free now.
    state.slot = null;
    reloadTimes(error.message);
    return;
  }
  if (error.field === "location" || error.field === "service") {
    state.location = null;
    state.service = null;
    state.day = null;
    state.slot = null;
    restartWith(error.message);
    return;
  }
  if (error.code === "priority_invalid") {
    // Used already or not valid: the next try books without priority (the message says so).
    state.priority = null;
    const hint = form.querySelector("[data-tb-priority]");
    if (hint) {
      hint.parentElement.remove();
    }
  }
  if (isOurFailure(error)) {
    // Not the citizen's entries: a notice of its own (with the error number), and the
    // form stays as it was for another try.
    const old = form.querySelector("[data-tb-server-error]");
    if (old) {
      old.remove();
    }
    const box = notice("error", el("p", {}, errorText(error)));
    box.setAttribute("data-tb-server-error", "");
    box.setAttribute("tabindex", "-1");
    form.prepend(box);
    box.focus();
    announce(errorText(error));
    return;
  }
  const field = error.field && fields[error.field] ? fields[error.field] : null;
  showErrors(form, [{ field: field, message: errorText(error) }]);
}

function restartWith(message) {
  noticeOnNextView(message); // shown by the first step that opens
  start();
}
