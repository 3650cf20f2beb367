// Step 3: the day. The slots of the chosen location and service are loaded here, grouped
// by their day in Berlin; with none free, the view says when new ones open.

import { api } from "./api.js";
import { CHOOSE_DAY, dayChoices, slotsByDay } from "./choices.js";
import { formatDay, formatTime } from "./dates.js";
import { add, el } from "./dom.js";
import {
  announce,
  buttonRow,
  contactBlock,
  load,
  notice,
  primaryButton,
  secondaryButton,
  show,
  state,
  stepsFor,
  view,
} from "./page.js";
import { showLocations } from "./step-location.js";
import { showServices } from "./step-service.js";
import { showTimes } from "./step-time.js";
import { summaryList } from "./summary.js";
import { radioGroup, showErrors } from "./widgets.js";

export async function loadSlots() {
  const path =
    "/locations/" +
    encodeURIComponent(state.location.id) +
    "/slots?service=" +
    encodeURIComponent(state.service.id) +
    (state.priority ? "&priority=1" : "");
  const answer = await api("GET", path);
  // With priority (the office's notice, priority.js) also the times the daily quota kept
  // back: one list in order, the API decides at booking whether the priority holds.
  state.slots = (answer.slots || []).concat(answer.priority_slots || []).sort(function (a, b) {
    return Date.parse(a.start) - Date.parse(b.start);
  });
}

export function days() {
  return slotsByDay(state.slots);
}

// The step before the day: the service or the location, if the citizen chose one.
function previousStep() {
  const steps = stepsFor();
  const before = steps[steps.indexOf("day") - 1];
  return { location: showLocations, service: showServices }[before] || null;
}

export function loadDays(message) {
  load("Freie Termine werden geladen …", loadSlots, function () {
    showDays(message);
  });
}

function chosenSummary() {
  const rows = [["Standort", state.location.name + ", " + state.location.address]];
  rows.push([
    "Anliegen",
    state.service.name + " (" + state.service.duration_minutes + " Minuten)",
  ]);
  return summaryList(rows);
}

export function showDays(message) {
  const byDay = days();
  if (byDay.size === 0) {
    showNoSlots(message);
    return;
  }
  if (state.day && !byDay.has(state.day)) {
    state.day = null;
  }
  const current = view("day", "Tag wählen", "day");
  if (message) {
    add(current.section, notice("error", el("p", {}, message)));
    announce(message);
  }
  add(current.section, chosenSummary());
  const group = radioGroup({
    name: "day",
    legend: "An welchem Tag möchten Sie kommen?",
    selected: state.day,
    choices: dayChoices(byDay),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  const back = previousStep();
  form.append(buttonRow(primaryButton("Weiter"), back ? secondaryButton("Zurück", back) : null));
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const day = group.value();
    if (!day) {
      showErrors(form, [{ field: group, message: CHOOSE_DAY }]);
      return;
    }
    if (state.day !== day) {
      state.slot = null;
    }
    state.day = day;
    showTimes();
  });
  add(current.section, form);
  show(current);
  if (!message) {
    announce(byDay.size === 1 ? "Freie Termine an 1 Tag." : "Freie Termine an " + byDay.size + " Tagen.");
  }
}

// When new appointments appear, as the API computed it (GET /locations' next_release: the
// first release that opens a day the service centre is open), not "every day".
function nextReleaseText(location) {
  const ahead = "Sie können bis zu " + location.horizon_days + " Tage im Voraus buchen. ";
  if (!location.next_release) {
    return ahead + "Wann es wieder neue Online-Termine gibt, steht noch nicht fest. Bitte rufen Sie uns an.";
  }
  return (
    ahead +
    "Neue Termine schalten wir am " +
    formatDay(location.next_release) +
    " um " +
    formatTime(location.next_release) +
    " frei. Bitte schauen Sie dann wieder hier nach."
  );
}

function showNoSlots(message) {
  const location = state.location;
  const current = view("no-slots", "Zurzeit sind alle Termine vergeben");
  if (message) {
    add(current.section, notice("error", el("p", {}, message)));
  }
  const back = previousStep();
  add(
    current.section,
    chosenSummary(),
    el("p", {}, nextReleaseText(location)),
    el("p", {}, "Wenn jemand absagt, wird ein Termin auch zwischendurch wieder frei."),
    contactBlock(),
    buttonRow(
      el(
        "button",
        {
          type: "button",
          class: "tb-button",
          onclick: function () {
            loadDays();
          },
        },
        "Noch einmal nachsehen"
      ),
      back ? secondaryButton("Zurück", back) : null
    )
  );
  show(current);
  announce((message ? message + " " : "") + "Zurzeit sind alle Termine vergeben.");
}
