// Step 1: the service centre. start() is where every booking begins: it loads the
// locations (and the Jobcenter's contact), then asks for one if there is a choice.

import { api } from "./api.js";
import { add, el } from "./dom.js";
import {
  buttonRow,
  contactBlock,
  load,
  primaryButton,
  show,
  state,
  view,
} from "./page.js";
import { chooseServiceOrSkip } from "./step-service.js";
import { radioGroup, whenChosen } from "./widgets.js";

const CHOOSE_LOCATION = "Bitte wählen Sie einen Standort.";

export function start() {
  load(
    "Die Terminbuchung wird geladen …",
    async function () {
      const answer = await api("GET", "/locations");
      state.locations = answer.locations || [];
      state.contact = answer.contact || null;
    },
    function () {
      if (state.locations.length === 0) {
        const current = view("none", "Zurzeit keine Online-Termine");
        add(
          current.section,
          el("p", {}, "Im Moment können Sie keine Termine online buchen."),
          contactBlock()
        );
        show(current);
        return;
      }
      if (state.locations.length === 1) {
        state.location = state.locations[0];
        chooseServiceOrSkip();
      } else {
        showLocations();
      }
    }
  );
}

export function showLocations() {
  const current = view("location", "Standort wählen", "location");
  const group = radioGroup({
    name: "location",
    legend: "In welchem Servicecenter möchten Sie Ihren Termin?",
    selected: state.location && state.location.id,
    choices: state.locations.map(function (location) {
      return { value: location.id, label: location.name, hint: location.address };
    }),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  form.append(buttonRow(primaryButton("Weiter")));
  whenChosen(form, group, state.locations, CHOOSE_LOCATION, function (chosen) {
    if (!state.location || state.location.id !== chosen.id) {
      state.service = null;
      state.day = null;
      state.slot = null;
    }
    state.location = chosen;
    chooseServiceOrSkip();
  });
  add(current.section, form);
  show(current);
}
