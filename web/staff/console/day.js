// The day list: per slot the seats, bookings and free seats; each appointment with all
// its details and the clerk's actions (check-in, no-show, undo, cancel with a reason,
// resend the confirmation). Refreshed every 30 seconds and after each action, without
// reloading the page; printed as one A4 page per half day.

import { el, field, showFieldError, clearFieldErrors } from "./dom.js";
import { heading } from "./shell.js";
import { staff } from "./api.js";
import { formatTime, longDay, addDays, today, berlinHour, isDay } from "./dates.js";
import { STATUS, VIA, EMAIL_STATUS, serviceName, locationOf, languageName } from "./words.js";

const REFRESH_MS = 30000;
const NOON = 12;

export function dayView(frame, member, locationId, day) {
  const location = locationOf(member, locationId);
  const listing = el("div", { class: "st-day", "data-st-day": true, "aria-busy": "true" });
  let data = null;
  let timer = null;
  let disposed = false;
  let openCancel = null; // the reference whose cancel form is open

  const title = heading("Tagesliste " + location.name);
  frame.show(title, el("p", { class: "st-subtitle", "data-st-day-title": true }, longDay(day)), controls(), listing);
  frame.focusHeading();
  load(null);
  timer = window.setInterval(function () {
    // Never while the clerk is typing a reason: the form would be replaced under them.
    if (!document.hidden && openCancel === null && !listing.contains(document.activeElement && document.activeElement.closest("form"))) {
      load(null, true);
    }
  }, REFRESH_MS);

  function controls() {
    const dayUrl = function (other) {
      return "#/tag/" + encodeURIComponent(locationId) + "/" + other;
    };
    const picker = field({ name: "day", label: "Datum", type: "date", required: true, value: day });
    const pick = el("form", { class: "st-inline-form st-no-print", novalidate: true, "aria-label": "Tag wählen" },
      picker.wrapper, el("button", { type: "submit", class: "st-button st-button--quiet" }, "Anzeigen"));
    pick.addEventListener("submit", function (event) {
      event.preventDefault();
      const chosen = picker.control.value;
      if (isDay(chosen)) {
        window.location.hash = dayUrl(chosen);
      } else {
        clearFieldErrors(pick);
        showFieldError(pick, "day", "Bitte wählen Sie ein Datum.");
      }
    });
    const places = member.locations.length > 1 ? locationPicker() : null;
    const print = el("button", { type: "button", class: "st-button st-button--quiet" }, "Drucken");
    print.addEventListener("click", function () {
      window.print();
    });
    return el("div", { class: "st-day-controls st-no-print" },
      el("nav", { "aria-label": "Tage", class: "st-day-nav" },
        el("a", { href: dayUrl(addDays(day, -1)), class: "st-button st-button--quiet", "data-st-previous": true }, "← Vorheriger Tag"),
        el("a", { href: dayUrl(today()), class: "st-button st-button--quiet" }, "Heute"),
        el("a", { href: dayUrl(addDays(day, 1)), class: "st-button st-button--quiet", "data-st-next": true }, "Nächster Tag →")),
      pick, places, print);
  }

  function locationPicker() {
    const select = el("select", null, member.locations.map(function (place) {
      return el("option", { value: place.id, selected: place.id === locationId }, place.name);
    }));
    const choose = field({ name: "location", label: "Standort", control: select, required: true });
    const form = el("form", { class: "st-inline-form", novalidate: true, "aria-label": "Standort wählen" },
      choose.wrapper, el("button", { type: "submit", class: "st-button st-button--quiet" }, "Wechseln"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.location.hash = "#/tag/" + encodeURIComponent(select.value) + "/" + day;
    });
    return form;
  }

  async function load(focusReference, quietly) {
    try {
      const fresh = await staff("GET", "/staff/locations/" + encodeURIComponent(locationId) + "/days/" + day);
      if (disposed) {
        return;
      }
      // Keep the focus where it was across the new rendering (same control, same booking).
      const active = document.activeElement;
      const keep = focusReference ? null : active && listing.contains(active) ? active.dataset.stKey : null;
      data = fresh;
      render();
      listing.setAttribute("aria-busy", "false");
      if (focusReference) {
        focusBooking(focusReference);
      } else if (keep) {
        const again = listing.querySelector('[data-st-key="' + keep + '"]');
        if (again) {
          again.focus();
        }
      }
    } catch (failure) {
      if (disposed) {
        return;
      }
      listing.setAttribute("aria-busy", "false");
      if (failure.status === 403) {
        listing.replaceChildren(el("p", { class: "st-notice st-notice--error", "data-st-forbidden": true },
          "Sie haben keinen Zugriff auf die Tagesliste dieses Standorts."));
        frame.error("Kein Zugriff: Sie arbeiten nicht am Standort „" + locationId + "“.");
      } else if (!quietly || data === null) {
        frame.error(failure.message);
      }
    }
  }

  function focusBooking(reference) {
    const item = listing.querySelector('[data-st-reference="' + reference + '"]');
    if (!item) {
      return;
    }
    const button = item.querySelector("button");
    (button || item).focus();
  }

  function render() {
    const slots = data.slots;
    const byStart = {};
    data.appointments.forEach(function (appointment) {
      (byStart[appointment.start] = byStart[appointment.start] || []).push(appointment);
    });
    const active = data.appointments.filter(function (a) {
      return a.status === "confirmed" || a.status === "pending";
    });
    const free = slots.reduce(function (sum, slot) {
      return sum + (slot.closed_reason ? 0 : Math.max(slot.capacity - slot.booked, 0));
    }, 0);
    const summary = el("p", { class: "st-summary", "data-st-summary": true },
      slots.length === 0
        ? "An diesem Tag gibt es keine Zeitfenster."
        : active.length + (active.length === 1 ? " Termin" : " Termine") + ", " + free + " freie Plätze");
    const halves = [
      ["Vormittag", slots.filter(function (s) { return berlinHour(s.start) < NOON; })],
      ["Nachmittag", slots.filter(function (s) { return berlinHour(s.start) >= NOON; })],
    ];
    const known = {};
    slots.forEach(function (slot) {
      known[slot.start] = true;
    });
    const orphans = data.appointments.filter(function (a) {
      return !known[a.start];
    });
    const sections = halves.filter(function (half) { return half[1].length; }).map(function (half) {
      return halfDay(half[0], half[1], byStart);
    });
    if (orphans.length) {
      sections.push(el("section", { class: "st-half" }, el("h2", null, "Weitere Termine"),
        el("ul", { class: "st-appointments" }, orphans.map(appointmentItem))));
    }
    listing.replaceChildren(summary, ...sections);
  }

  function halfDay(name, slots, byStart) {
    const rows = [];
    slots.forEach(function (slot) {
      (byStart[slot.start] || []).forEach(function (a) {
        rows.push(a);
      });
    });
    return el("section", { class: "st-half", "aria-label": name },
      el("h2", null, name, el("span", { class: "st-print-only" }, " · " + location.name + " · " + longDay(day))),
      el("div", { class: "st-screen-only" }, slots.map(function (slot) {
        return slotBlock(slot, byStart[slot.start] || []);
      })),
      printTable(rows));
  }

  function slotBlock(slot, appointments) {
    const free = Math.max(slot.capacity - slot.booked, 0);
    const seats = slot.closed_reason
      ? el("p", { class: "st-closed" }, "Geschlossen: " + slot.closed_reason)
      : el("p", { class: "st-seats" },
        slot.capacity + " Plätze · " + slot.booked + " gebucht · ",
        el("strong", null, free + " frei"));
    return el("div", { class: "st-slot", "data-st-slot": slot.start },
      el("h3", null, formatTime(slot.start) + "–" + formatTime(slot.end) + " Uhr"),
      seats,
      appointments.length ? el("ul", { class: "st-appointments" }, appointments.map(appointmentItem)) : null);
  }

  function appointmentItem(a) {
    const details = [
      ["Uhrzeit", formatTime(a.start) + "–" + formatTime(a.end) + " Uhr"],
      ["Anliegen", serviceName(location, a.service)],
      ["Buchungsnummer", el("span", { class: "st-reference" }, a.reference)],
      ["Telefon", a.phone || "–"],
      ["E-Mail", a.email || "–"],
      ["Nummer der Bedarfsgemeinschaft", a.household_number || "–"],
      ["Bemerkung", a.remarks || "–"],
      ["Sprache", language(a)],
      ["Gebucht", VIA[a.booked_via] || a.booked_via],
      ["Status", state(a)],
    ];
    if (a.email_status) {
      details.push(["E-Mail-Zustellung", el("strong", { "data-st-email-status": a.email_status },
        (EMAIL_STATUS[a.email_status] || "E-Mail nicht zustellbar.") + " Bitte rufen Sie an.")]);
    } else if (a.undelivered_mail && a.undelivered_mail.length) {
      details.push(["E-Mail", el("strong", null, "nicht zugestellt – bitte anrufen")]);
    }
    return el("li", { class: "st-appointment st-appointment--" + a.status + (a.checked_in_at ? " st-appointment--in" : "") + (a.no_show ? " st-appointment--missed" : ""),
      "data-st-reference": a.reference, tabindex: "-1" },
      el("h4", null, a.name),
      el("dl", null, details.map(function (pair) {
        return el("div", null, el("dt", null, pair[0]), el("dd", null, pair[1]));
      })),
      actions(a));
  }

  // Another language than German stands out: staff may need to arrange an interpreter.
  function language(a) {
    const name = languageName(a.language);
    return a.language && a.language !== "de"
      ? el("strong", { "data-st-language": a.language }, name + " – E-Mails in dieser Sprache")
      : el("span", { "data-st-language": a.language || "de" }, name);
  }

  function state(a) {
    if (a.checked_in_at) {
      return "Erschienen um " + formatTime(a.checked_in_at) + " Uhr";
    }
    if (a.no_show) {
      return "Nicht erschienen";
    }
    return STATUS[a.status] || a.status;
  }

  function actions(a) {
    if (a.status !== "confirmed") {
      return null;
    }
    const who = ": " + a.name + ", " + formatTime(a.start) + " Uhr";
    const button = function (text, key, handler, kind) {
      // The name says whose appointment: "Erschienen: Erika Mustermann, 12:00 Uhr".
      const node = el("button", { type: "button", class: "st-button" + (kind ? " st-button--" + kind : ""), "data-st-key": a.reference + "-" + key,
        "aria-label": text + who }, text);
      node.addEventListener("click", handler);
      return node;
    };
    const row = el("div", { class: "st-actions st-no-print" });
    if (a.checked_in_at) {
      row.append(button("Erschienen zurücknehmen", "undo-in", function () {
        act(a, "DELETE", "check-in", null, a.name + ": Erscheinen zurückgenommen.");
      }, "quiet"));
    } else if (a.no_show) {
      row.append(button("Nicht erschienen zurücknehmen", "undo-missed", function () {
        act(a, "DELETE", "no-show", null, a.name + ": „Nicht erschienen“ zurückgenommen.");
      }, "quiet"));
    } else {
      row.append(
        button("Erschienen", "in", function () {
          act(a, "POST", "check-in", null, a.name + " ist als erschienen eingetragen.");
        }),
        button("Nicht erschienen", "missed", function () {
          act(a, "POST", "no-show", null, a.name + " ist als nicht erschienen eingetragen.");
        }, "quiet"),
        button("Absagen", "cancel", function (event) {
          openCancelForm(a, event.currentTarget);
        }, "danger"));
      if (a.email && a.email_status) {
        // The e-mail function sends nothing to an address SES reported back (the API would
        // accept the request all the same): no button that seems to work, but the reason.
        row.append(el("p", { class: "st-hint", "data-st-no-resend": true },
          "Keine erneute Bestätigung per E-Mail: An diese Adresse geht keine E-Mail mehr."));
      } else if (a.email) {
        row.append(button("Bestätigung erneut senden", "resend", function () {
          act(a, "POST", "resend", null, "Die Bestätigung an " + a.name + " wird erneut gesendet.");
        }, "quiet"));
      }
    }
    return row;
  }

  async function act(a, method, action, body, done) {
    try {
      await staff(method, "/staff/bookings/" + encodeURIComponent(a.reference) + "/" + action, body);
      frame.say(done);
    } catch (failure) {
      frame.error(failure.message);
    }
    await load(a.reference);
  }

  function openCancelForm(a, opener) {
    const reason = field({ name: "reason", label: "Grund der Absage", required: true,
      hint: "Die Bürgerin oder der Bürger bekommt ihn per E-Mail, mit einer Entschuldigung.",
      control: el("textarea", { rows: "2", maxlength: "200" }) });
    const confirm = el("button", { type: "submit", class: "st-button st-button--danger", "aria-label": "Termin absagen: " + a.name }, "Termin absagen");
    const back = el("button", { type: "button", class: "st-button st-button--quiet" }, "Zurück");
    const form = el("form", { class: "st-cancel-form st-no-print", novalidate: true, "aria-label": "Termin von " + a.name + " absagen" },
      reason.wrapper, el("div", { class: "st-actions" }, confirm, back));
    openCancel = a.reference;
    opener.closest(".st-actions").after(form);
    opener.closest(".st-actions").hidden = true;
    reason.control.focus();
    back.addEventListener("click", function () {
      openCancel = null;
      form.remove();
      const row = listing.querySelector('[data-st-reference="' + a.reference + '"] .st-actions');
      row.hidden = false;
      opener.focus();
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      clearFieldErrors(form);
      if (!reason.control.value.trim()) {
        showFieldError(form, "reason", "Bitte geben Sie den Grund an.");
        return;
      }
      confirm.disabled = true;
      try {
        await staff("POST", "/staff/bookings/" + encodeURIComponent(a.reference) + "/cancel", { reason: reason.control.value.trim() });
        openCancel = null;
        frame.say("Der Termin von " + a.name + " ist abgesagt. Die E-Mail mit dem Grund geht hinaus.");
        await load(a.reference);
      } catch (failure) {
        confirm.disabled = false;
        if (!(failure.field && showFieldError(form, failure.field, failure.message))) {
          frame.error(failure.message);
        }
      }
    });
  }

  function printTable(rows) {
    return el("table", { class: "st-print-only st-print-table" },
      el("thead", null, el("tr", null, ["Zeit", "Name", "Anliegen", "Nummer", "Telefon", "BG-Nummer", "Bemerkung", "Sprache", "Gebucht", "Status"].map(function (text) {
        return el("th", { scope: "col" }, text);
      }))),
      el("tbody", null, rows.map(function (a) {
        return el("tr", null, [formatTime(a.start), a.name, serviceName(location, a.service), a.reference, a.phone || "", a.household_number || "",
          a.remarks || "", languageName(a.language), VIA[a.booked_via] || a.booked_via, state(a)].map(function (text) {
          return el("td", null, text);
        }));
      })));
  }

  return {
    dispose: function () {
      disposed = true;
      window.clearInterval(timer);
    },
  };
}
