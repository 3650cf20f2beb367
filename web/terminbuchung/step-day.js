// Step 3: the day. The slots of the chosen location and service are loaded here, grouped
// by their day in Berlin; with none free, the view says when new ones open.

import { api } from "./api.js";
import { dayChoices, slotsByDay } from "./choices.js";
import { formatDay, formatTime } from "./dates.js";
import { add, el } from "./dom.js";
import { siteText, t, tCount } from "./i18n.js";
import {
  announce,
  backButton,
  buttonRow,
  contactBlock,
  load,
  nextButton,
  notice,
  show,
  state,
  stepsFor,
  view,
} from "./page.js";
import { showLocations } from "./step-location.js";
import { showServices } from "./step-service.js";
import { showTimes } from "./step-time.js";
import { serviceWithDuration, summaryList } from "./summary.js";
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
  load(t("day.loading"), loadSlots, function () {
    showDays(message);
  });
}

function chosenSummary() {
  return summaryList([
    [t("summary.location"), siteText(state.location.name + ", " + state.location.address)],
    [t("summary.service"), serviceWithDuration(state.service)],
  ]);
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
  const current = view("day", t("day.title"), "day");
  if (message) {
    add(current.section, notice("error", el("p", {}, message)));
    announce(message);
  }
  add(current.section, chosenSummary());
  const group = radioGroup({
    name: "day",
    legend: t("day.legend"),
    selected: state.day,
    choices: dayChoices(byDay),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  const back = previousStep();
  form.append(buttonRow(nextButton(), back ? backButton(back) : null));
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const day = group.value();
    if (!day) {
      showErrors(form, [{ field: group, message: t("day.missing") }]);
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
    announce(tCount("day.count", byDay.size));
  }
}

// When new appointments appear, as the API computed it (GET /locations' next_release: the
// first release that opens a day the service centre is open), not "every day".
function nextReleaseText(location) {
  const ahead = t("noSlots.ahead", { days: location.horizon_days }) + " ";
  if (!location.next_release) {
    return ahead + t("noSlots.unknown");
  }
  return (
    ahead +
    t("noSlots.next", {
      day: formatDay(location.next_release),
      time: formatTime(location.next_release),
    })
  );
}

function showNoSlots(message) {
  const location = state.location;
  const current = view("no-slots", t("noSlots.title"));
  if (message) {
    add(current.section, notice("error", el("p", {}, message)));
  }
  const back = previousStep();
  add(
    current.section,
    chosenSummary(),
    el("p", {}, nextReleaseText(location)),
    el("p", {}, t("noSlots.cancellations")),
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
        t("noSlots.again")
      ),
      back ? backButton(back) : null
    )
  );
  show(current);
  announce((message ? message + " " : "") + t("noSlots.announce"));
}
