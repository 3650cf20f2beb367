// Step 4: the time on the chosen day; and after a lost race for a seat, the times that
// are free now.

import { timeChoices, timeLegend } from "./choices.js";
import { add, el } from "./dom.js";
import { t } from "./i18n.js";
import {
  announce,
  backButton,
  buttonRow,
  load,
  nextButton,
  notice,
  show,
  state,
  view,
} from "./page.js";
import { days, loadSlots, showDays } from "./step-day.js";
import { showDetails } from "./step-details.js";
import { radioGroup, showErrors } from "./widgets.js";

export function showTimes(message) {
  const slots = days().get(state.day) || [];
  if (slots.length === 0) {
    showDays(message);
    return;
  }
  if (
    state.slot &&
    !slots.some(function (slot) {
      return slot.start === state.slot.start;
    })
  ) {
    state.slot = null;
  }
  const current = view("time", t("time.title"), "time");
  if (message) {
    add(current.section, notice("error", el("p", {}, message)));
    announce(message);
  }
  const group = radioGroup({
    name: "time",
    legend: timeLegend(slots),
    selected: state.slot && state.slot.start,
    className: "tb-radios--times",
    choices: timeChoices(slots),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  form.append(buttonRow(nextButton(), backButton(showDays)));
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const chosen = slots.find(function (slot) {
      return slot.start === group.value();
    });
    if (!chosen) {
      showErrors(form, [{ field: group, message: t("time.missing") }]);
      return;
    }
    state.slot = chosen;
    showDetails();
  });
  add(current.section, form);
  show(current);
}

// Someone else was faster: the times that are free now, or the days if none is left.
export function reloadTimes(message) {
  load(t("time.reloading"), loadSlots, function () {
    if (state.day && days().has(state.day)) {
      showTimes(t("time.stillFree", { message: message }));
    } else {
      showDays(t("time.dayGone", { message: message }));
    }
  });
}
