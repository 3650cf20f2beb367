// Close a day, or part of it, with a reason: first a dry run says how many bookings the
// closure would cancel, then the clerk confirms. Reopen a day. The day's closed times are
// listed, so the clerk sees what is closed before and after.

import { el, field, showFieldError, clearFieldErrors } from "./dom.js";
import { heading } from "./shell.js";
import { staff } from "./api.js";
import { formatTime, longDay, today, isDay } from "./dates.js";

export function closuresView(frame, member) {
  let disposed = false;
  const places = member.locations;
  const location = field({ name: "location", label: "Standort", required: true,
    control: el("select", null, places.map(function (place) {
      return el("option", { value: place.id }, place.name);
    })) });
  const dayField = field({ name: "day", label: "Tag", type: "date", required: true, value: today() });
  const from = field({ name: "from", label: "Von (Uhrzeit)", type: "time", hint: "Leer lassen: ab Beginn des Tages." });
  const until = field({ name: "until", label: "Bis (Uhrzeit)", type: "time", hint: "Leer lassen: bis zum Ende des Tages." });
  const reason = field({ name: "reason", label: "Grund", required: true, maxlength: "200",
    hint: "Steht in der E-Mail an die Bürgerinnen und Bürger, deren Termine abgesagt werden." });
  const check = el("button", { type: "submit", class: "st-button" }, "Schließung prüfen");
  const form = el("form", { class: "st-form", novalidate: true, "aria-labelledby": "st-close-title" },
    places.length > 1 ? location.wrapper : null, dayField.wrapper, from.wrapper, until.wrapper, reason.wrapper,
    el("div", { class: "st-actions" }, check));
  const confirmBox = el("div", { "data-st-confirm": true });
  const closedList = el("div", { "data-st-closed": true, "aria-live": "off" });
  const reopenButton = el("button", { type: "button", class: "st-button st-button--quiet" }, "Diesen Tag wieder öffnen");
  const title = heading("Schließungen");
  frame.show(title,
    el("h2", { id: "st-close-title" }, "Tag oder Zeitraum schließen"),
    form, confirmBox,
    el("h2", null, "Geschlossene Zeiten am gewählten Tag"),
    closedList,
    el("div", { class: "st-actions" }, reopenButton));
  frame.focusHeading();

  function place() {
    return location.control.value || places[0].id;
  }

  function body(dryRun) {
    const data = { day: dayField.control.value, reason: reason.control.value.trim(), dry_run: dryRun };
    if (from.control.value) {
      data.from = from.control.value;
    }
    if (until.control.value) {
      data.until = until.control.value;
    }
    return data;
  }

  async function showClosed() {
    const day = dayField.control.value;
    if (!isDay(day)) {
      closedList.replaceChildren();
      return;
    }
    try {
      const data = await staff("GET", "/staff/locations/" + encodeURIComponent(place()) + "/days/" + day);
      if (disposed) {
        return;
      }
      const closed = data.slots.filter(function (slot) {
        return slot.closed_reason;
      });
      // Runs of closed slots with one reason, e.g. "13:00–17:00 Uhr: Betriebsversammlung".
      const runs = [];
      closed.forEach(function (slot) {
        const last = runs[runs.length - 1];
        if (last && last.end === slot.start && last.reason === slot.closed_reason) {
          last.end = slot.end;
        } else {
          runs.push({ start: slot.start, end: slot.end, reason: slot.closed_reason });
        }
      });
      closedList.replaceChildren(runs.length
        ? el("ul", null, runs.map(function (run) {
          return el("li", null, formatTime(run.start) + "–" + formatTime(run.end) + " Uhr: " + run.reason);
        }))
        : el("p", null, longDay(day) + ": nichts geschlossen."));
      reopenButton.hidden = runs.length === 0;
    } catch (failure) {
      closedList.replaceChildren(el("p", { class: "st-notice st-notice--error" }, failure.message));
    }
  }

  function fail(failure) {
    if (!(failure.field && showFieldError(form, failure.field, failure.message))) {
      frame.error(failure.message);
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearFieldErrors(form);
    confirmBox.replaceChildren();
    if (!isDay(dayField.control.value)) {
      showFieldError(form, "day", "Bitte wählen Sie einen Tag.");
      return;
    }
    if (!reason.control.value.trim()) {
      showFieldError(form, "reason", "Bitte geben Sie den Grund an.");
      return;
    }
    check.disabled = true;
    try {
      const preview = await staff("POST", "/staff/locations/" + encodeURIComponent(place()) + "/closures", body(true));
      ask(preview, body(false));
    } catch (failure) {
      fail(failure);
    } finally {
      check.disabled = false;
    }
  });

  function ask(preview, request) {
    const count = preview.bookings_cancelled.length;
    const when = longDay(preview.day) + ", " + preview.start + "–" + preview.end + " Uhr";
    const yes = el("button", { type: "button", class: "st-button st-button--danger" },
      count ? "Ja, schließen und " + count + (count === 1 ? " Termin" : " Termine") + " absagen" : "Ja, schließen");
    const no = el("button", { type: "button", class: "st-button st-button--quiet" }, "Abbrechen");
    const box = el("section", { class: "st-confirm", "aria-labelledby": "st-confirm-title" },
      el("h2", { id: "st-confirm-title", tabindex: "-1" }, "Wirklich schließen?"),
      el("p", { "data-st-preview": true }, when + ": " + preview.slots_closed + " Zeitfenster werden geschlossen, ",
        el("strong", null, count + (count === 1 ? " Buchung wird" : " Buchungen werden") + " abgesagt"), "."),
      count ? el("p", null, "Diese Bürgerinnen und Bürger bekommen eine E-Mail mit dem Grund und einer Entschuldigung.") : null,
      el("div", { class: "st-actions" }, yes, no));
    confirmBox.replaceChildren(box);
    box.querySelector("h2").focus();
    no.addEventListener("click", function () {
      confirmBox.replaceChildren();
      frame.say("Nicht geschlossen.");
      check.focus();
    });
    yes.addEventListener("click", async function () {
      yes.disabled = true;
      try {
        const done = await staff("POST", "/staff/locations/" + encodeURIComponent(place()) + "/closures", request);
        confirmBox.replaceChildren();
        frame.say("Geschlossen: " + longDay(done.day) + ", " + done.start + "–" + done.end + " Uhr. " +
          done.bookings_cancelled.length + " Termine abgesagt.");
        await showClosed();
        title.focus();
      } catch (failure) {
        confirmBox.replaceChildren();
        fail(failure);
      }
    });
  }

  reopenButton.addEventListener("click", async function () {
    const day = dayField.control.value;
    try {
      const done = await staff("DELETE", "/staff/locations/" + encodeURIComponent(place()) + "/closures/" + day);
      frame.say(longDay(day) + " ist wieder geöffnet (" + done.reopened + " Zeitfenster). Abgesagte Termine bleiben abgesagt.");
      await showClosed();
      title.focus();
    } catch (failure) {
      fail(failure);
    }
  });
  dayField.control.addEventListener("change", showClosed);
  location.control.addEventListener("change", showClosed);
  showClosed();

  return {
    dispose: function () {
      disposed = true;
    },
  };
}
