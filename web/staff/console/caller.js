// Book for a caller: a free time of a day (today too, at short notice, while the slot has
// not ended), name, phone, optional e-mail and household number; the reference shown large
// and spelled out for the phone.

import { el, field, uniqueId, showFieldError, clearFieldErrors } from "./dom.js";
import { heading } from "./shell.js";
import { staff } from "./api.js";
import { formatTime, longDay, today, isDay } from "./dates.js";
import { spell, germanSpelling, natoSpelling } from "./spelling.js";
import { serviceName, LANGUAGES } from "./words.js";

export function callerView(frame, member) {
  let disposed = false;
  const places = member.locations;
  const location = field({ name: "location", label: "Standort", required: true,
    control: el("select", null, places.map(function (place) {
      return el("option", { value: place.id }, place.name);
    })) });
  const service = field({ name: "service", label: "Anliegen", required: true, control: el("select") });
  const dayField = field({ name: "day", label: "Tag", type: "date", required: true, value: today() });
  const times = el("fieldset", { class: "st-times", "data-field": "start" },
    el("legend", null, "Freie Zeit"),
    el("p", { class: "st-field-error", id: uniqueId("start-error"), hidden: true }),
    el("div", { "data-st-times": true }));
  const name = field({ name: "name", label: "Name", required: true, autocomplete: "off", maxlength: "100" });
  const phone = field({ name: "phone", label: "Telefon", type: "tel", required: true, autocomplete: "off" });
  const email = field({ name: "email", label: "E-Mail-Adresse", type: "email", autocomplete: "off",
    hint: "Nur wenn die anrufende Person eine angibt: dann bekommt sie die Bestätigung per E-Mail." });
  const household = field({ name: "household_number", label: "Nummer der Bedarfsgemeinschaft", autocomplete: "off" });
  const remarks = field({ name: "remarks", label: "Bemerkung", control: el("textarea", { rows: "2", maxlength: "500" }) });
  const language = field({ name: "language", label: "Sprache", required: true,
    hint: "In dieser Sprache gehen die E-Mails hinaus; die Tagesliste zeigt sie (Dolmetschen).",
    control: el("select", null, Object.keys(LANGUAGES).map(function (code) {
      return el("option", { value: code }, LANGUAGES[code]);
    })) });
  const submit = el("button", { type: "submit", class: "st-button" }, "Termin buchen");
  const form = el("form", { class: "st-form", novalidate: true, "aria-labelledby": "st-caller-title" },
    places.length > 1 ? location.wrapper : null, service.wrapper, dayField.wrapper, times,
    name.wrapper, phone.wrapper, email.wrapper, household.wrapper, remarks.wrapper, language.wrapper,
    el("div", { class: "st-actions" }, submit));
  const title = heading("Termin für Anrufende");
  title.id = "st-caller-title";
  const result = el("div", { "data-st-result": true });
  frame.show(title, result, form);
  frame.focusHeading();

  function currentPlace() {
    return places.find(function (place) {
      return place.id === (location.control.value || places[0].id);
    }) || places[0];
  }

  function fillServices() {
    const place = currentPlace();
    const ids = (place.services || []).map(function (s) { return s.id; });
    service.control.replaceChildren(...ids.map(function (id) {
      return el("option", { value: id }, serviceName(place, id));
    }));
  }

  async function loadTimes() {
    const box = times.querySelector("[data-st-times]");
    const day = dayField.control.value;
    if (!isDay(day)) {
      box.replaceChildren(el("p", null, "Bitte wählen Sie einen Tag."));
      return;
    }
    box.replaceChildren(el("p", null, "Freie Zeiten werden geladen …"));
    try {
      const data = await staff("GET", "/staff/locations/" + encodeURIComponent(currentPlace().id) + "/days/" + day);
      if (disposed) {
        return;
      }
      const now = Date.now();
      // A slot can be booked by the office until it ends, however short the notice.
      const open = data.slots.filter(function (slot) {
        return !slot.closed_reason && slot.booked < slot.capacity && new Date(slot.end).getTime() > now;
      });
      if (!open.length) {
        box.replaceChildren(el("p", { "data-st-no-times": true }, "An diesem Tag (" + longDay(day) + ") ist keine Zeit mehr frei."));
        return;
      }
      const group = uniqueId("start");
      box.replaceChildren(el("div", { class: "st-radios" }, open.map(function (slot, index) {
        const id = group + "-" + index;
        const free = slot.capacity - slot.booked;
        return el("div", { class: "st-radio" },
          el("input", { type: "radio", name: "start", id: id, value: slot.start, required: true }),
          el("label", { for: id }, formatTime(slot.start) + " Uhr", el("span", { class: "st-free" }, " (" + free + " frei)")));
      })));
    } catch (failure) {
      box.replaceChildren(el("p", { class: "st-notice st-notice--error" }, failure.message));
    }
  }

  location.control.addEventListener("change", function () {
    fillServices();
    loadTimes();
  });
  dayField.control.addEventListener("change", loadTimes);
  fillServices();
  loadTimes();

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearFieldErrors(form);
    times.querySelector(".st-field-error").hidden = true;
    const chosen = form.querySelector('input[name="start"]:checked');
    if (!chosen) {
      timesError("Bitte wählen Sie eine freie Zeit.");
      return;
    }
    const body = {
      location: currentPlace().id,
      service: service.control.value,
      start: chosen.value,
      name: name.control.value.trim(),
      phone: phone.control.value.trim(),
      email: email.control.value.trim(),
      household_number: household.control.value.trim(),
      remarks: remarks.control.value.trim(),
      language: language.control.value,
    };
    for (const [key, input] of [["name", name], ["phone", phone]]) {
      if (!body[key]) {
        showFieldError(form, key, key === "name" ? "Bitte geben Sie den Namen an." : "Bitte geben Sie die Telefonnummer an.");
        return input;
      }
    }
    submit.disabled = true;
    try {
      const made = await staff("POST", "/staff/bookings", body);
      frame.say("Gebucht: " + made.reference + ", " + longDay(made.start.slice(0, 10)) + ", " + formatTime(made.start) + " Uhr.");
      showReference(made, body);
      form.reset();
      dayField.control.value = body.start.slice(0, 10);
      fillServices();
      loadTimes();
    } catch (failure) {
      if (failure.field === "start") {
        timesError(failure.message);
        loadTimes();
      } else if (!(failure.field && showFieldError(form, failure.field, failure.message))) {
        frame.error(failure.message);
      }
    } finally {
      submit.disabled = false;
    }
  });

  function timesError(message) {
    const error = times.querySelector(".st-field-error");
    error.textContent = message;
    error.hidden = false;
    const first = times.querySelector("input") || times;
    if (first === times) {
      times.setAttribute("tabindex", "-1");
    }
    first.focus();
  }

  function showReference(made, body) {
    const rows = spell(made.reference);
    const box = el("section", { class: "st-reference-box", "aria-labelledby": "st-reference-title", "data-st-booked": made.reference },
      el("h2", { id: "st-reference-title", tabindex: "-1" }, "Gebucht für " + body.name),
      el("p", null, longDay(made.start.slice(0, 10)) + ", " + formatTime(made.start) + " Uhr"),
      el("p", { class: "st-reference-large", "data-st-reference-large": true }, made.reference),
      el("p", { class: "st-spelled" }, el("strong", null, "Deutsch (DIN 5009): "), germanSpelling(made.reference)),
      el("p", { class: "st-spelled" }, el("strong", null, "International (NATO): "), natoSpelling(made.reference)),
      el("table", { class: "st-spelling-table" },
        el("caption", null, "Buchstabiertabelle der Buchungsnummer"),
        el("thead", null, el("tr", null,
          el("th", { scope: "col" }, "Zeichen"), el("th", { scope: "col" }, "Deutsch"), el("th", { scope: "col" }, "NATO"))),
        el("tbody", null, rows.map(function (row) {
          return el("tr", null, el("th", { scope: "row" }, row[0]), el("td", null, row[1]), el("td", null, row[2]));
        }))),
      el("h3", null, "Am Telefon"),
      el("ul", null,
        el("li", null, "Nennen Sie Tag und Uhrzeit, dann die Buchungsnummer langsam, in zwei Vierergruppen."),
        el("li", null, "Buchstabieren Sie jedes Zeichen; Ziffern sprechen Sie einzeln („zwo“ statt „zwei“)."),
        el("li", null, "Bitten Sie die anrufende Person, die Nummer zu wiederholen, und vergleichen Sie."),
        el("li", null, body.email
          ? "Die Bestätigung kommt per E-Mail an " + body.email + "."
          : "Es geht keine E-Mail hinaus: Bitte die Nummer notieren lassen. Absagen geht telefonisch.")));
    result.replaceChildren(box);
    box.querySelector("h2").focus();
  }

  return {
    dispose: function () {
      disposed = true;
    },
  };
}
