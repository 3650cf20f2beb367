// Step 1: the service centre. start() is where every booking begins: it loads the
// locations (and the Jobcenter's contact), then asks for one if there is a choice.

import { api } from "./api.js";
import { add, el } from "./dom.js";
import { siteText, t } from "./i18n.js";
import {
  buttonRow,
  contactBlock,
  load,
  nextButton,
  show,
  state,
  view,
} from "./page.js";
import { chooseServiceOrSkip } from "./step-service.js";
import { radioGroup, whenChosen } from "./widgets.js";

export function start() {
  load(
    t("loading.start"),
    async function () {
      const answer = await api("GET", "/locations");
      state.locations = answer.locations || [];
      state.contact = answer.contact || null;
    },
    function () {
      if (state.locations.length === 0) {
        const current = view("none", t("none.title"));
        add(
          current.section,
          el("p", {}, t("none.text")),
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
  const current = view("location", t("location.title"), "location");
  const group = radioGroup({
    name: "location",
    legend: t("location.legend"),
    selected: state.location && state.location.id,
    choices: state.locations.map(function (location) {
      return {
        value: location.id,
        label: siteText(location.name),
        hint: siteText(location.address),
      };
    }),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  form.append(buttonRow(nextButton()));
  whenChosen(form, group, state.locations, t("location.missing"), function (chosen) {
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
