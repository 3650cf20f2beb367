// Step 2: the service (Anliegen), skipped when the location offers only one.

import { add, el } from "./dom.js";
import {
  buttonRow,
  contactBlock,
  primaryButton,
  secondaryButton,
  show,
  state,
  view,
} from "./page.js";
import { loadDays } from "./step-day.js";
import { showLocations } from "./step-location.js";
import { radioGroup, whenChosen } from "./widgets.js";

const CHOOSE_SERVICE = "Bitte wählen Sie Ihr Anliegen.";

export function chooseServiceOrSkip() {
  const services = state.location.services;
  if (services.length === 1) {
    state.service = services[0];
    loadDays();
  } else if (services.length === 0) {
    const current = view("none", "Zurzeit keine Online-Termine");
    add(
      current.section,
      el("p", {}, "An diesem Standort können Sie im Moment keine Termine online buchen."),
      contactBlock()
    );
    show(current);
  } else {
    showServices();
  }
}

export function showServices() {
  const current = view("service", "Anliegen wählen", "service");
  const group = radioGroup({
    name: "service",
    legend: "Worum geht es bei Ihrem Termin?",
    selected: state.service && state.service.id,
    choices: state.location.services.map(function (service) {
      return {
        value: service.id,
        label: service.name,
        hint: "Dauer: " + service.duration_minutes + " Minuten",
      };
    }),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  const back = state.locations.length > 1 ? secondaryButton("Zurück", showLocations) : null;
  form.append(buttonRow(primaryButton("Weiter"), back));
  whenChosen(form, group, state.location.services, CHOOSE_SERVICE, function (chosen) {
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
