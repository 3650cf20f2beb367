// Step 2: the service (Anliegen), skipped when the location offers only one.

import { add, el } from "./dom.js";
import { siteText, t } from "./i18n.js";
import {
  backButton,
  buttonRow,
  contactBlock,
  nextButton,
  show,
  state,
  view,
} from "./page.js";
import { loadDays } from "./step-day.js";
import { showLocations } from "./step-location.js";
import { radioGroup, whenChosen } from "./widgets.js";

export function chooseServiceOrSkip() {
  const services = state.location.services;
  if (services.length === 1) {
    state.service = services[0];
    loadDays();
  } else if (services.length === 0) {
    const current = view("none", t("none.title"));
    add(
      current.section,
      el("p", {}, t("none.location")),
      contactBlock()
    );
    show(current);
  } else {
    showServices();
  }
}

export function showServices() {
  const current = view("service", t("service.title"), "service");
  const group = radioGroup({
    name: "service",
    legend: t("service.legend"),
    selected: state.service && state.service.id,
    choices: state.location.services.map(function (service) {
      return {
        value: service.id,
        label: siteText(service.name),
        hint: t("service.duration", { minutes: service.duration_minutes }),
      };
    }),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  const back = state.locations.length > 1 ? backButton(showLocations) : null;
  form.append(buttonRow(nextButton(), back));
  whenChosen(form, group, state.location.services, t("service.missing"), function (chosen) {
    if (!state.service || state.service.id !== chosen.id) {
      state.day = null;
      state.slot = null;
    }
    state.service = chosen;
    loadDays();
  });
  add(current.section, form);
  show(current);
}
