/*
 * Terminbuchung – the booking page of the Jobcenter Oberhavel.
 *
 * Plain JavaScript, no build step: the county copies this file, terminbuchung.css and the
 * element <div id="terminbuchung" data-api-base="…" data-privacy-url="…"> onto its page.
 * The page talks only to the public API (GET /locations, GET …/slots, POST /bookings,
 * GET /bookings/{reference}, GET /bookings/{reference}/calendar.ics,
 * POST /bookings/{reference}/cancel).
 *
 * Accessibility: every step is a <section> whose heading gets the focus when the step
 * opens; status messages go to a polite live region; form errors are shown at their field
 * and in a summary that gets the focus. The e-mail's link to manage a booking carries the
 * reference and the token in the URL fragment (#reference=…&token=…), so they never reach
 * a server log.
 */
(function () {
  "use strict";

  const TIME_ZONE = "Europe/Berlin";
  const REQUEST_TIMEOUT_MS = 20000;

  const MESSAGES = {
    network:
      "Die Verbindung zum Server ist gestört. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es noch einmal.",
    unexpected:
      "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal oder rufen Sie uns an.",
    chooseLocation: "Bitte wählen Sie einen Standort.",
    chooseService: "Bitte wählen Sie Ihr Anliegen.",
    chooseDay: "Bitte wählen Sie einen Tag.",
    chooseTime: "Bitte wählen Sie eine Uhrzeit.",
    name: "Bitte geben Sie Ihren Namen an.",
    email: "Bitte geben Sie Ihre E-Mail-Adresse an.",
    consent: "Bitte bestätigen Sie, dass Sie mit der Speicherung Ihrer Angaben einverstanden sind.",
    linkIncomplete:
      "Der Link zu Ihrem Termin ist unvollständig. Bitte öffnen Sie ihn noch einmal direkt aus Ihrer E-Mail. Wenn Sie den Link kopieren, kopieren Sie ihn bitte ganz.",
  };

  const FORM_FIELDS = ["name", "email", "phone", "household_number", "consent"];

  // --- dates, always in Berlin time: the slots are wall-clock times of the service centre ---

  const dayFormat = new Intl.DateTimeFormat("de-DE", {
    timeZone: TIME_ZONE,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const timeFormat = new Intl.DateTimeFormat("de-DE", {
    timeZone: TIME_ZONE,
    hour: "2-digit",
    minute: "2-digit",
  });
  const isoDayFormat = new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });

  function formatDay(iso) {
    return dayFormat.format(new Date(iso));
  }
  function formatTime(iso) {
    return timeFormat.format(new Date(iso)) + " Uhr";
  }
  function formatWhen(iso) {
    return formatDay(iso) + ", " + formatTime(iso);
  }
  function berlinDay(iso) {
    return isoDayFormat.format(new Date(iso)); // YYYY-MM-DD
  }

  // --- the element the county puts on its page, and its settings ---

  const root = document.getElementById("terminbuchung");
  if (!root) {
    return;
  }
  root.classList.add("tb"); // the widget's styles are scoped to .tb
  const config = {
    apiBase: (root.getAttribute("data-api-base") || "").trim().replace(/\/+$/, ""),
    privacyUrl: (root.getAttribute("data-privacy-url") || "").trim(),
  };

  let app = root.querySelector("[data-tb-app]");
  if (!app) {
    app = document.createElement("div");
    app.setAttribute("data-tb-app", "");
    root.appendChild(app);
  }
  app.classList.add("tb-app");
  // The live region must exist before its text changes, or screen readers stay silent.
  const statusRegion = el("div", {
    class: "tb-visually-hidden",
    role: "status",
    "aria-live": "polite",
    "aria-atomic": "true",
    "data-tb-status": "",
  });
  root.appendChild(statusRegion);

  // --- small helpers ---

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name.startsWith("on") && typeof value === "function") {
        node.addEventListener(name.slice(2), value);
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child);
      }
    }
    return node;
  }

  // Like parent.append, but leaves out what is not there (null for "no such block").
  function add(parent, ...children) {
    children.forEach(function (child) {
      if (child !== null && child !== undefined && child !== false) {
        parent.append(child);
      }
    });
  }

  let uniqueCounter = 0;
  function uniqueId(prefix) {
    uniqueCounter += 1;
    return "tb-" + prefix + "-" + uniqueCounter;
  }

  let announceTimer = null;
  function announce(text) {
    // Emptied first and refilled a moment later, so the same text is announced again.
    statusRegion.textContent = "";
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(function () {
      statusRegion.textContent = text;
    }, 150);
  }

  class ApiError extends Error {
    constructor(status, error) {
      super(error.message);
      this.status = status;
      this.code = error.code;
      this.field = error.field || null;
      this.requestId = error.request_id || null;
    }
  }

  // The answer's body as a Blob if it is a success; else the API's error, or one of ours.
  async function request(method, path, body, headers, accept) {
    const init = {
      method: method,
      headers: Object.assign({ Accept: accept }, headers || {}),
      credentials: "omit",
      cache: "no-store",
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    let timer = null;
    if (controller) {
      init.signal = controller.signal;
      timer = window.setTimeout(function () {
        controller.abort();
      }, REQUEST_TIMEOUT_MS);
    }
    let response;
    let content;
    try {
      response = await fetch(config.apiBase + path, init);
      content = await response.blob();
    } catch (failure) {
      throw new ApiError(0, { code: "network", message: MESSAGES.network, field: null });
    } finally {
      window.clearTimeout(timer);
    }
    if (response.ok) {
      return content;
    }
    const data = parseJson(await content.text());
    if (data && data.error && data.error.message) {
      throw new ApiError(response.status, data.error);
    }
    throw new ApiError(response.status, {
      code: "http_" + response.status,
      message: MESSAGES.unexpected,
      field: null,
    });
  }

  function parseJson(text) {
    try {
      return text ? JSON.parse(text) : null;
    } catch (notJson) {
      return null;
    }
  }

  async function api(method, path, body, headers) {
    const content = await request(method, path, body, headers, "application/json");
    return parseJson(await content.text());
  }

  // A file the API answers (GET), e.g. the calendar file, as a Blob of its content type.
  function download(path, headers, accept) {
    return request("GET", path, undefined, headers, accept);
  }

  function apiUrl(path) {
    return new URL(config.apiBase + path, window.location.href).href;
  }

  // --- state of the booking in progress ---

  const state = {
    locations: [],
    contact: null,
    location: null,
    service: null,
    slots: [],
    day: null,
    slot: null,
    form: { name: "", email: "", phone: "", household_number: "", consent: false },
    confirmation: null,
  };
  let firstView = true;
  let busy = false;
  let pendingNotice = null;

  // --- views ---

  function stepsFor() {
    const steps = [];
    if (state.locations.length > 1) {
      steps.push("location");
    }
    const services = state.location
      ? state.location.services
      : state.locations.flatMap(function (location) {
          return location.services;
        });
    if (services.length > 1) {
      steps.push("service");
    }
    steps.push("day", "time", "details");
    return steps;
  }

  function view(name, title, step) {
    const headingId = uniqueId("heading");
    const heading = el("h2", { id: headingId, tabindex: "-1", class: "tb-heading" });
    if (step) {
      const steps = stepsFor();
      const number = steps.indexOf(step) + 1;
      heading.append(
        el("span", { class: "tb-step" }, "Schritt " + number + " von " + steps.length),
        el("span", { class: "tb-visually-hidden" }, ": "),
        title
      );
    } else {
      heading.append(title);
    }
    const section = el(
      "section",
      { class: "tb-view", "aria-labelledby": headingId, "data-tb-view": name },
      heading
    );
    return { section: section, heading: heading };
  }

  function show(current, options) {
    const focus = options && options.focus !== undefined ? options.focus : !firstView;
    firstView = false;
    if (pendingNotice) {
      current.heading.after(notice("error", el("p", {}, pendingNotice)));
      announce(pendingNotice);
      pendingNotice = null;
    }
    app.replaceChildren(current.section);
    app.removeAttribute("aria-busy");
    if (focus) {
      current.heading.focus();
    }
  }

  function showLoading(text) {
    app.setAttribute("aria-busy", "true");
    app.replaceChildren(el("p", { class: "tb-loading" }, text));
    announce(text);
  }

  function notice(kind, ...content) {
    return el("div", { class: "tb-notice tb-notice--" + kind, "data-tb-notice": kind }, ...content);
  }

  function contactBlock() {
    const contact = state.contact;
    if (!contact) {
      return null;
    }
    const telephone = "tel:" + contact.phone.replace(/[^0-9+]/g, "");
    return el(
      "div",
      { class: "tb-contact" },
      el("p", {}, "So erreichen Sie das ", contact.name, ":"),
      el(
        "ul",
        {},
        el(
          "li",
          {},
          "Telefon: ",
          el("a", { href: telephone }, contact.phone),
          " (" + contact.phone_hours + ")"
        ),
        el("li", {}, "E-Mail: ", el("a", { href: "mailto:" + contact.email }, contact.email))
      )
    );
  }

  function buttonRow(...buttons) {
    return el("div", { class: "tb-actions" }, ...buttons);
  }

  function primaryButton(text, attributes) {
    return el("button", Object.assign({ type: "submit", class: "tb-button" }, attributes), text);
  }

  function secondaryButton(text, action) {
    return el(
      "button",
      {
        type: "button",
        class: "tb-button tb-button--secondary",
        // Called without the event: the step functions take an optional message.
        onclick: function () {
          action();
        },
      },
      text
    );
  }

  function summaryList(rows) {
    return el(
      "dl",
      { class: "tb-summary" },
      rows.map(function (row) {
        return el("div", { class: "tb-summary-row" }, el("dt", {}, row[0]), el("dd", {}, row[1]));
      })
    );
  }

  // --- radio groups and form fields with their error messages ---

  function radioGroup(options) {
    const errorId = uniqueId("radios") + "-error";
    const hintId = options.hint ? uniqueId("hint") : null;
    const error = el("p", { id: errorId, class: "tb-error-message", hidden: true });
    const fieldset = el(
      "fieldset",
      { class: "tb-fieldset", "aria-describedby": hintId, "data-tb-field": options.name },
      el("legend", { class: "tb-legend" }, options.legend),
      options.hint ? el("p", { id: hintId, class: "tb-hint-text" }, options.hint) : null,
      error
    );
    const list = el("div", { class: "tb-radios " + (options.className || "") });
    options.choices.forEach(function (choice) {
      const id = uniqueId("radio");
      const itemHintId = choice.hint ? uniqueId("hint") : null;
      list.append(
        el(
          "div",
          { class: "tb-radio" },
          el("input", {
            type: "radio",
            id: id,
            name: options.name,
            value: choice.value,
            checked: choice.value === options.selected,
            "aria-describedby": itemHintId,
          }),
          // The hint stays outside the label: it is the radio's description, not its name.
          el(
            "div",
            { class: "tb-radio-text" },
            el("label", { for: id, class: "tb-radio-label" }, choice.label),
            choice.hint ? el("span", { id: itemHintId, class: "tb-radio-hint" }, choice.hint) : null
          )
        )
      );
    });
    fieldset.append(list);
    return {
      element: fieldset,
      value: function () {
        const checked = fieldset.querySelector("input:checked");
        return checked ? checked.value : null;
      },
      focusTarget: function () {
        return fieldset.querySelector("input:checked") || fieldset.querySelector("input");
      },
      setError: function (message) {
        setMessage(error, message);
        fieldset.classList.add("tb-fieldset--error");
        fieldset.setAttribute("aria-describedby", [errorId, hintId].filter(Boolean).join(" "));
        fieldset.querySelectorAll("input").forEach(function (input) {
          input.setAttribute("aria-invalid", "true");
        });
      },
    };
  }

  function setMessage(element, message) {
    element.replaceChildren(el("span", { class: "tb-visually-hidden" }, "Fehler: "), message);
    element.hidden = false;
  }

  function textField(options) {
    const id = "tb-field-" + options.name;
    const hintId = options.hint ? id + "-hint" : null;
    const errorId = id + "-error";
    const input = el("input", {
      id: id,
      name: options.name,
      type: options.type || "text",
      autocomplete: options.autocomplete,
      inputmode: options.inputmode,
      spellcheck: options.spellcheck,
      autocapitalize: options.autocapitalize,
      maxlength: options.maxlength,
      "aria-required": options.required ? "true" : null,
      "aria-describedby": hintId,
      class: "tb-input" + (options.width ? " tb-input--" + options.width : ""),
    });
    input.value = options.value || "";
    const error = el("p", { id: errorId, class: "tb-error-message", hidden: true });
    const wrapper = el(
      "div",
      { class: "tb-field", "data-tb-field": options.name },
      el(
        "label",
        { for: id, class: "tb-label" },
        options.label,
        options.required ? null : el("span", { class: "tb-optional" }, " (freiwillig)")
      ),
      options.hint ? el("p", { id: hintId, class: "tb-hint-text" }, options.hint) : null,
      error,
      input
    );
    return fieldHandle(wrapper, input, error, [errorId, hintId].filter(Boolean).join(" "));
  }

  function checkboxField(options) {
    const id = "tb-field-" + options.name;
    const errorId = id + "-error";
    const input = el("input", {
      type: "checkbox",
      id: id,
      name: options.name,
      checked: options.checked,
      "aria-required": "true",
    });
    const error = el("p", { id: errorId, class: "tb-error-message", hidden: true });
    const wrapper = el(
      "div",
      { class: "tb-field tb-checkbox-field", "data-tb-field": options.name },
      options.before,
      error,
      el("div", { class: "tb-checkbox" }, input, el("label", { for: id }, options.label))
    );
    return fieldHandle(wrapper, input, error, errorId);
  }

  // What a form needs of each field: where the focus goes, how an error is shown and read.
  function fieldHandle(wrapper, input, error, describedBy) {
    return {
      element: wrapper,
      input: input,
      focusTarget: function () {
        return input;
      },
      setError: function (message) {
        setMessage(error, message);
        wrapper.classList.add("tb-field--error");
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", describedBy);
      },
    };
  }

  // The summary at the top of a form: it gets the focus, its links lead to the fields.
  function errorSummary(errors) {
    const titleId = uniqueId("error-title");
    const summary = el(
      "div",
      {
        class: "tb-error-summary",
        role: "alert",
        tabindex: "-1",
        "aria-labelledby": titleId,
        "data-tb-error-summary": "",
      },
      el("h3", { id: titleId, class: "tb-error-summary-title" }, "Bitte prüfen Sie Ihre Angaben"),
      el(
        "ul",
        {},
        errors.map(function (error) {
          if (!error.field) {
            return el("li", {}, error.message);
          }
          const target = error.field.focusTarget();
          return el(
            "li",
            {},
            el(
              "a",
              {
                href: "#" + target.id,
                onclick: function (event) {
                  event.preventDefault();
                  target.focus();
                },
              },
              error.message
            )
          );
        })
      )
    );
    return summary;
  }

  function showErrors(form, errors) {
    const old = form.querySelector("[data-tb-error-summary]");
    if (old) {
      old.remove();
    }
    errors.forEach(function (error) {
      if (error.field) {
        error.field.setError(error.message);
      }
    });
    const summary = errorSummary(errors);
    form.prepend(summary);
    summary.focus();
  }

  // --- 1. the service centre ---

  function start() {
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

  // A step that asks for one of `items` by id: an error at the group if none is chosen.
  function whenChosen(form, group, items, missing, onChosen) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const chosen = items.find(function (item) {
        return item.id === group.value();
      });
      if (chosen) {
        onChosen(chosen);
      } else {
        showErrors(form, [{ field: group, message: missing }]);
      }
    });
  }

  function showLocations() {
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
    whenChosen(form, group, state.locations, MESSAGES.chooseLocation, function (chosen) {
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

  // --- 2. the service ---

  function chooseServiceOrSkip() {
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

  function showServices() {
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
    whenChosen(form, group, state.location.services, MESSAGES.chooseService, function (chosen) {
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

  // --- 3. the day and 4. the time ---

  async function loadSlots() {
    const path =
      "/locations/" +
      encodeURIComponent(state.location.id) +
      "/slots?service=" +
      encodeURIComponent(state.service.id);
    const answer = await api("GET", path);
    state.slots = answer.slots || [];
  }

  function days() {
    const byDay = new Map();
    state.slots.forEach(function (slot) {
      const day = berlinDay(slot.start);
      if (!byDay.has(day)) {
        byDay.set(day, []);
      }
      byDay.get(day).push(slot);
    });
    return byDay;
  }

  function previousStep(step) {
    const steps = stepsFor();
    const index = steps.indexOf(step);
    const before = index > 0 ? steps[index - 1] : null;
    return (
      {
        location: showLocations,
        service: showServices,
        day: showDays,
        time: showTimes,
      }[before] || null
    );
  }

  function loadDays(message) {
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

  function showDays(message) {
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
      choices: Array.from(byDay.entries()).map(function (entry) {
        const count = entry[1].length;
        return {
          value: entry[0],
          label: formatDay(entry[1][0].start),
          hint: count === 1 ? "1 freie Uhrzeit" : count + " freie Uhrzeiten",
        };
      }),
    });
    const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
    const back = previousStep("day");
    form.append(buttonRow(primaryButton("Weiter"), back ? secondaryButton("Zurück", back) : null));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const day = group.value();
      if (!day) {
        showErrors(form, [{ field: group, message: MESSAGES.chooseDay }]);
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

  function showNoSlots(message) {
    const location = state.location;
    const current = view("no-slots", "Zurzeit sind alle Termine vergeben");
    if (message) {
      add(current.section, notice("error", el("p", {}, message)));
    }
    add(
      current.section,
      chosenSummary(),
      el(
        "p",
        {},
        "Jeden Tag um " +
          location.release_time +
          " Uhr schalten wir neue Termine frei. Sie können bis zu " +
          location.horizon_days +
          " Tage im Voraus buchen. Bitte schauen Sie dann wieder hier nach."
      ),
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
        previousStep("day") ? secondaryButton("Zurück", previousStep("day")) : null
      )
    );
    show(current);
    announce((message ? message + " " : "") + "Zurzeit sind alle Termine vergeben.");
  }

  function showTimes(message) {
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
    const current = view("time", "Uhrzeit wählen", "time");
    if (message) {
      add(current.section, notice("error", el("p", {}, message)));
      announce(message);
    }
    const group = radioGroup({
      name: "time",
      legend: "Um wie viel Uhr möchten Sie am " + formatDay(slots[0].start) + " kommen?",
      selected: state.slot && state.slot.start,
      className: "tb-radios--times",
      choices: slots.map(function (slot) {
        return { value: slot.start, label: formatTime(slot.start) };
      }),
    });
    const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
    form.append(buttonRow(primaryButton("Weiter"), secondaryButton("Zurück", showDays)));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const chosen = slots.find(function (slot) {
        return slot.start === group.value();
      });
      if (!chosen) {
        showErrors(form, [{ field: group, message: MESSAGES.chooseTime }]);
        return;
      }
      state.slot = chosen;
      showDetails();
    });
    add(current.section, form);
    show(current);
  }

  // --- 5. name, e-mail and consent ---

  function appointmentSummary() {
    return summaryList([
      ["Termin", formatWhen(state.slot.start)],
      ["Standort", state.location.name + ", " + state.location.address],
      ["Anliegen", state.service.name + " (" + state.service.duration_minutes + " Minuten)"],
    ]);
  }

  function showDetails() {
    const current = view("details", "Ihre Angaben", "details");
    const fields = {
      name: textField({
        name: "name",
        label: "Vor- und Nachname",
        autocomplete: "name",
        required: true,
        maxlength: 100,
        value: state.form.name,
      }),
      email: textField({
        name: "email",
        label: "E-Mail-Adresse",
        hint: "An diese Adresse schicken wir die Bestätigung und den Link zum Absagen.",
        type: "email",
        autocomplete: "email",
        spellcheck: "false",
        autocapitalize: "off",
        required: true,
        maxlength: 254,
        value: state.form.email,
      }),
      phone: textField({
        name: "phone",
        label: "Telefonnummer",
        hint: "Falls wir Sie kurzfristig erreichen müssen.",
        type: "tel",
        autocomplete: "tel",
        maxlength: 30,
        width: "medium",
        value: state.form.phone,
      }),
      household_number: textField({
        name: "household_number",
        label: "Nummer der Bedarfsgemeinschaft",
        hint: "Sie steht auf den Schreiben des Jobcenters, zum Beispiel 12345BG0012345.",
        autocomplete: "off",
        spellcheck: "false",
        autocapitalize: "characters",
        maxlength: 20,
        width: "medium",
        value: state.form.household_number,
      }),
    };
    const privacyLink = config.privacyUrl
      ? el(
          "p",
          { class: "tb-hint-text" },
          "Was mit Ihren Angaben geschieht, lesen Sie in den ",
          el(
            "a",
            { href: config.privacyUrl, target: "_blank", rel: "noopener" },
            "Hinweisen zum Datenschutz (öffnet in einem neuen Fenster)"
          ),
          "."
        )
      : null;
    fields.consent = checkboxField({
      name: "consent",
      label:
        "Ich bin einverstanden, dass das Jobcenter meine Angaben speichert, um diesen Termin zu vereinbaren.",
      checked: state.form.consent,
      before: privacyLink,
    });

    const form = el("form", { novalidate: true, class: "tb-form", "data-tb-form": "booking" });
    form.append(
      appointmentSummary(),
      buttonRow(secondaryButton("Termin ändern", showTimes)),
      fields.name.element,
      fields.email.element,
      fields.phone.element,
      fields.household_number.element,
      fields.consent.element
    );
    const progress = el("p", { class: "tb-progress", hidden: true }, "Ihr Termin wird gebucht …");
    const submit = primaryButton("Termin verbindlich buchen");
    form.append(buttonRow(submit), progress);

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (busy) {
        return;
      }
      FORM_FIELDS.forEach(function (name) {
        if (name === "consent") {
          state.form.consent = fields.consent.input.checked;
        } else {
          state.form[name] = fields[name].input.value.trim();
        }
      });
      resetErrors(form);
      // Only what can be told without asking the server; everything else the API checks.
      const missing = [];
      if (!state.form.name) {
        missing.push({ field: fields.name, message: MESSAGES.name });
      }
      if (!state.form.email) {
        missing.push({ field: fields.email, message: MESSAGES.email });
      }
      if (!state.form.consent) {
        missing.push({ field: fields.consent, message: MESSAGES.consent });
      }
      if (missing.length) {
        showErrors(form, missing);
        return;
      }
      const payload = {
        location: state.location.id,
        service: state.service.id,
        start: state.slot.start,
        name: state.form.name,
        email: state.form.email,
      };
      if (state.form.phone) {
        payload.phone = state.form.phone;
      }
      if (state.form.household_number) {
        payload.household_number = state.form.household_number;
      }
      busy = true;
      submit.setAttribute("aria-disabled", "true");
      progress.hidden = false;
      announce("Ihr Termin wird gebucht …");
      try {
        const confirmation = await api("POST", "/bookings", payload);
        state.confirmation = {
          reference: confirmation.reference,
          token: confirmation.cancel_token,
          start: confirmation.start,
          end: confirmation.end,
          location: state.location,
          service: state.service,
          email: payload.email,
        };
        showConfirmation();
      } catch (error) {
        progress.hidden = true;
        submit.removeAttribute("aria-disabled");
        window.clearTimeout(announceTimer);
        statusRegion.textContent = "";
        bookingFailed(form, fields, error);
      } finally {
        busy = false;
      }
    });
    add(current.section, form);
    show(current);
  }

  function resetErrors(form) {
    form.querySelectorAll(".tb-field--error, .tb-fieldset--error").forEach(function (field) {
      field.classList.remove("tb-field--error", "tb-fieldset--error");
    });
    form.querySelectorAll(".tb-error-message").forEach(function (message) {
      message.hidden = true;
      message.replaceChildren();
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      const describedBy = (input.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) {
          return id && !id.endsWith("-error");
        })
        .join(" ");
      if (describedBy) {
        input.setAttribute("aria-describedby", describedBy);
      } else {
        input.removeAttribute("aria-describedby");
      }
    });
    const summary = form.querySelector("[data-tb-error-summary]");
    if (summary) {
      summary.remove();
    }
  }

  function bookingFailed(form, fields, error) {
    if (error.code === "slot_full" || error.code === "slot_unavailable" || error.field === "start") {
      // Someone else was faster: show the times that are free now.
      state.slot = null;
      reloadTimes(error.message);
      return;
    }
    if (error.field === "location" || error.field === "service") {
      state.location = null;
      state.service = null;
      state.day = null;
      state.slot = null;
      restartWith(error.message);
      return;
    }
    const field = error.field && fields[error.field] ? fields[error.field] : null;
    const message = error.requestId
      ? error.message + " (Fehlernummer: " + error.requestId + ")"
      : error.message;
    showErrors(form, [{ field: field, message: message }]);
  }

  // Someone else was faster: the times that are free now, or the days if none is left.
  function reloadTimes(message) {
    load("Freie Termine werden neu geladen …", loadSlots, function () {
      if (state.day && days().has(state.day)) {
        showTimes(message + " Die Uhrzeiten unten sind jetzt noch frei.");
      } else {
        showDays(message + " An diesem Tag ist keine Uhrzeit mehr frei.");
      }
    });
  }

  function restartWith(message) {
    pendingNotice = message; // shown by the first step that opens
    start();
  }

  // --- 6. the confirmation ---

  function showConfirmation() {
    const booking = state.confirmation;
    const current = view("confirmation", "Ihr Termin ist gebucht");
    add(
      current.section,
      notice(
        "success",
        el(
          "p",
          {},
          "Ihre Buchungsnummer: ",
          el("strong", { class: "tb-reference", "data-tb-reference": "" }, booking.reference)
        ),
        el(
          "p",
          {},
          "Wir schicken Ihnen eine Bestätigung an ",
          el("strong", { class: "tb-break" }, booking.email),
          ". Bitte sehen Sie auch im Spam-Ordner nach."
        )
      ),
      bookingSummary(booking, booking.location, booking.service),
      whatToBring(booking.service),
      el(
        "p",
        {},
        "Bitte kommen Sie pünktlich. Wenn Sie nicht kommen können, sagen Sie den Termin bitte ab – dann bekommt jemand anderes Ihren Termin."
      ),
      buttonRow(
        calendarLink(booking.reference, booking.token),
        el("a", { href: manageUrl(booking.reference, booking.token), class: "tb-link-button" }, "Termin ansehen oder absagen")
      ),
      el(
        "p",
        { class: "tb-hint-text" },
        "Den Link zum Absagen finden Sie auch in der E-Mail. Geben Sie ihn bitte nicht weiter."
      )
    );
    show(current);
    announce("Ihr Termin ist gebucht. Buchungsnummer " + booking.reference + ".");
  }

  function bookingSummary(booking, location, service) {
    const rows = [
      ["Datum", formatDay(booking.start)],
      ["Uhrzeit", formatTime(booking.start) + " bis " + formatTime(booking.end)],
      ["Ort", location ? location.name + ", " + location.address : booking.location],
      ["Anliegen", service ? service.name : booking.service],
    ];
    if (booking.name) {
      rows.push(["Name", booking.name]);
      rows.push(["Buchungsnummer", booking.reference]);
    }
    return summaryList(rows);
  }

  function whatToBring(service) {
    if (!service || !service.what_to_bring || service.what_to_bring.length === 0) {
      return null;
    }
    const titleId = uniqueId("bring");
    return el(
      "div",
      { class: "tb-bring" },
      el("h3", { id: titleId }, "Bitte bringen Sie mit"),
      el(
        "ul",
        {},
        service.what_to_bring.map(function (item) {
          return el("li", {}, item);
        })
      )
    );
  }

  function manageUrl(reference, token) {
    const here = window.location.href.split("#")[0];
    return (
      here + "#reference=" + encodeURIComponent(reference) + "&token=" + encodeURIComponent(token)
    );
  }

  // --- "In den Kalender eintragen": the API's calendar file for the booking, the very one
  // the e-mail carries (same UID, title and times), so the cancellation e-mail also removes
  // the event saved from here.
  //
  // A plain link cannot send the token, and the token must not go into a URL (server logs),
  // so a click fetches the file with the X-Booking-Token header and saves it through a blob:
  // URL. Downloads are not governed by the Content Security Policy: no directive is needed.

  // How long the saved file's blob: URL lives: a browser may read it after click() returned.
  const BLOB_LIFETIME_MS = 60000;

  function calendarLink(reference, token) {
    const path = "/bookings/" + encodeURIComponent(reference) + "/calendar.ics";
    const name = "Termin-Jobcenter-" + reference + ".ics";
    const problem = el("div", { "data-tb-calendar-error": "" });
    const link = el(
      "a",
      {
        class: "tb-link-button",
        // The file's address at the API; followed without the token it is not found.
        href: apiUrl(path),
        download: name,
        "data-tb-calendar": "",
      },
      "In den Kalender eintragen",
      el("span", { class: "tb-visually-hidden" }, " (Datei im Format ics)")
    );
    let loading = false;
    link.addEventListener("click", async function (event) {
      event.preventDefault();
      if (loading) {
        return;
      }
      loading = true;
      try {
        const file = await download(path, { "X-Booking-Token": token }, "text/calendar");
        problem.replaceChildren();
        save(file, name, link);
      } catch (error) {
        showProblem(problem, link, error.message);
      } finally {
        loading = false;
      }
    });
    return link;
  }

  function save(file, name, next) {
    const url = URL.createObjectURL(file);
    const anchor = el("a", { href: url, download: name, hidden: true });
    next.after(anchor);
    anchor.click();
    anchor.remove();
    window.setTimeout(function () {
      URL.revokeObjectURL(url);
    }, BLOB_LIFETIME_MS);
  }

  // Below the row of buttons the link stands in; the focus stays on the link.
  function showProblem(problem, link, message) {
    const row = link.closest(".tb-actions") || link;
    if (!problem.isConnected) {
      row.after(problem);
    }
    problem.replaceChildren(notice("error", el("p", {}, message)));
    announce(message);
  }

  // --- the manage view, opened from the link in the e-mail ---

  // A reference as the API issues it (no 0/O, 1/I/L), in any case, the dash optional.
  const REFERENCE_PATTERN = /^[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}$/;
  // The token is URL-safe Base64. Anything else is no token, and text outside Latin-1 or
  // with a line break cannot even go into the request header: fetch() throws a TypeError.
  const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,200}={0,2}$/;

  // What the URL fragment asks for: null if it is no link to a booking at all (neither
  // reference nor token, e.g. an anchor on the county's page); { incomplete: true } if a part
  // is missing or damaged (a mail program wrapped the long link, a copy lost its end);
  // else reference and token.
  function linkFromFragment() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    if (!params.has("reference") && !params.has("token")) {
      return null;
    }
    const reference = (params.get("reference") || "").trim().toUpperCase();
    const token = (params.get("token") || "").trim();
    if (!REFERENCE_PATTERN.test(reference) || !TOKEN_PATTERN.test(token)) {
      return { incomplete: true };
    }
    return { reference: reference, token: token };
  }

  function openLink(link) {
    if (link.incomplete) {
      showIncompleteLink();
    } else {
      manage(link);
    }
  }

  async function showIncompleteLink() {
    if (!state.contact) {
      showLoading("Die Terminbuchung wird geladen …");
      try {
        const answer = await api("GET", "/locations");
        state.locations = (answer && answer.locations) || [];
        state.contact = (answer && answer.contact) || null;
      } catch (error) {
        // Only the phone number is missing then; the notice itself matters more. So no
        // failure view with "try again" here, unlike the other loads.
      }
    }
    const current = view("link-incomplete", "Der Link ist unvollständig");
    add(
      current.section,
      notice("error", el("p", {}, MESSAGES.linkIncomplete)),
      contactBlock(),
      buttonRow(newBookingLink())
    );
    show(current);
    announce(MESSAGES.linkIncomplete);
  }

  function newBookingLink(text) {
    const here = window.location.href.split("#")[0];
    return el(
      "a",
      {
        href: here,
        class: "tb-link-button",
        onclick: function (event) {
          // Leave the manage view without a reload, and drop the token from the address bar.
          event.preventDefault();
          window.history.pushState(null, "", here);
          resetBooking();
          start();
        },
      },
      text || "Neuen Termin buchen"
    );
  }

  function resetBooking() {
    state.location = null;
    state.service = null;
    state.day = null;
    state.slot = null;
    state.confirmation = null;
  }

  function manage(link) {
    load(
      "Ihr Termin wird geladen …",
      function () {
        return fetchBooking(link);
      },
      function (found) {
        if (!found.notFound) {
          showBooking(found.booking, link);
          return;
        }
        const current = view("manage-not-found", "Buchung nicht gefunden");
        add(
          current.section,
          notice("error", el("p", {}, found.notFound.message)),
          contactBlock(),
          buttonRow(newBookingLink())
        );
        show(current);
        announce(found.notFound.message);
      }
    );
  }

  // The booking, or that there is none for this link; any other failure is thrown (and
  // offered again). The locations only add names, address and phone number.
  async function fetchBooking(link) {
    const results = await Promise.allSettled([
      api("GET", "/bookings/" + encodeURIComponent(link.reference), undefined, {
        "X-Booking-Token": link.token,
      }),
      api("GET", "/locations"),
    ]);
    if (results[1].status === "fulfilled" && results[1].value) {
      state.locations = results[1].value.locations || [];
      state.contact = results[1].value.contact || null;
    }
    if (results[0].status === "fulfilled") {
      return { booking: results[0].value };
    }
    if (results[0].reason.code === "booking_not_found") {
      return { notFound: results[0].reason };
    }
    throw results[0].reason;
  }

  function describeBooking(booking) {
    const location = state.locations.find(function (candidate) {
      return candidate.id === booking.location;
    });
    const service = location
      ? location.services.find(function (candidate) {
          return candidate.id === booking.service;
        })
      : null;
    return { location: location || null, service: service || null };
  }

  function showBooking(booking, link) {
    const known = describeBooking(booking);
    const confirmed = booking.status === "confirmed";
    const begun = new Date(booking.start).getTime() <= Date.now();
    const title = confirmed ? "Ihr Termin" : "Dieser Termin ist abgesagt";
    const current = view("manage", title);
    if (booking.status === "cancelled") {
      add(
        current.section,
        notice("info", el("p", {}, "Sie haben diesen Termin abgesagt. Er ist nicht mehr gültig."))
      );
    } else if (booking.status === "cancelled_by_office") {
      add(
        current.section,
        notice(
          "info",
          el(
            "p",
            {},
            "Das Jobcenter hat diesen Termin abgesagt. Bitte entschuldigen Sie. Sie können gern einen neuen Termin buchen."
          )
        )
      );
    }
    add(current.section, bookingSummary(booking, known.location, known.service));
    if (!confirmed) {
      add(current.section, buttonRow(newBookingLink()));
      show(current);
      return;
    }
    add(current.section, whatToBring(known.service));
    if (begun) {
      add(
        current.section,
        notice(
          "info",
          el("p", {}, "Dieser Termin hat bereits begonnen und kann nicht mehr online abgesagt werden.")
        ),
        contactBlock()
      );
      show(current);
      return;
    }
    const cancelButton = el(
      "button",
      { type: "button", class: "tb-button tb-button--warning" },
      "Termin absagen"
    );
    const question = el("section", { class: "tb-confirm", hidden: true, "data-tb-confirm": "" });
    cancelButton.addEventListener("click", function () {
      askToCancel(question, cancelButton, booking, link);
    });
    add(
      current.section,
      buttonRow(calendarLink(booking.reference, link.token), cancelButton),
      question
    );
    show(current);
  }

  function askToCancel(question, cancelButton, booking, link) {
    const headingId = uniqueId("confirm");
    const heading = el(
      "h3",
      { id: headingId, tabindex: "-1", class: "tb-heading" },
      "Möchten Sie diesen Termin wirklich absagen?"
    );
    const progress = el("p", { class: "tb-progress", hidden: true }, "Ihr Termin wird abgesagt …");
    const errorBox = el("div", { "data-tb-confirm-error": "" });
    const yes = el(
      "button",
      { type: "button", class: "tb-button tb-button--warning" },
      "Ja, Termin absagen"
    );
    const no = el(
      "button",
      { type: "button", class: "tb-button tb-button--secondary" },
      "Nein, Termin behalten"
    );
    no.addEventListener("click", function () {
      question.hidden = true;
      question.replaceChildren();
      cancelButton.hidden = false;
      cancelButton.focus();
    });
    yes.addEventListener("click", async function () {
      if (busy) {
        return;
      }
      busy = true;
      yes.setAttribute("aria-disabled", "true");
      progress.hidden = false;
      announce("Ihr Termin wird abgesagt …");
      try {
        const result = await api(
          "POST",
          "/bookings/" + encodeURIComponent(link.reference) + "/cancel",
          { token: link.token }
        );
        showCancelled(Object.assign({}, booking, { status: result.status }));
      } catch (error) {
        progress.hidden = true;
        yes.removeAttribute("aria-disabled");
        errorBox.replaceChildren(notice("error", el("p", {}, error.message)));
        announce(error.message);
        if (error.code === "too_late" || error.code === "booking_not_found") {
          yes.hidden = true;
        }
      } finally {
        busy = false;
      }
    });
    question.setAttribute("aria-labelledby", headingId);
    question.replaceChildren(
      heading,
      el(
        "p",
        {},
        "Ihr Termin am " +
          formatWhen(booking.start) +
          " wird dann für andere frei. Sie können danach einen neuen Termin buchen."
      ),
      errorBox,
      buttonRow(yes, no),
      progress
    );
    question.hidden = false;
    cancelButton.hidden = true;
    heading.focus();
  }

  function showCancelled(booking) {
    const known = describeBooking(booking);
    const current = view("cancelled", "Ihr Termin ist abgesagt");
    add(
      current.section,
      notice(
        "success",
        el(
          "p",
          {},
          "Sie haben den Termin am " +
            formatWhen(booking.start) +
            " abgesagt. Der Termin ist jetzt wieder für andere frei."
        )
      ),
      bookingSummary(booking, known.location, known.service),
      buttonRow(newBookingLink())
    );
    show(current);
    announce("Ihr Termin ist abgesagt.");
  }

  // --- loading, and when the API cannot be reached ---

  // What every step does that needs the API first: "loading" while `work` runs; if it
  // fails, the failure view, whose button runs all of it again. `then` gets what `work`
  // returned; its own errors are no loading errors, so it runs outside the try.
  async function load(text, work, then) {
    showLoading(text);
    let result;
    try {
      result = await work();
    } catch (error) {
      showFailure(error, function () {
        load(text, work, then);
      });
      return;
    }
    then(result);
  }

  function showFailure(error, retry) {
    const current = view("failure", "Das hat leider nicht geklappt");
    const message = error.requestId
      ? error.message + " (Fehlernummer: " + error.requestId + ")"
      : error.message || MESSAGES.unexpected;
    add(
      current.section,
      notice("error", el("p", {}, message)),
      buttonRow(
        el(
          "button",
          {
            type: "button",
            class: "tb-button",
            onclick: function () {
              retry();
            },
          },
          "Noch einmal versuchen"
        )
      ),
      contactBlock()
    );
    show(current);
    announce(message);
  }

  // --- start: the manage view when the e-mail's link opened the page, else the booking ---

  function route() {
    const link = linkFromFragment();
    if (link) {
      openLink(link);
    } else {
      start();
    }
  }

  window.addEventListener("hashchange", function () {
    const link = linkFromFragment();
    if (link) {
      openLink(link);
    }
  });

  route();
})();
