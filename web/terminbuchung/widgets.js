// Form widgets: radio groups and fields with their error messages, the error summary, and
// the choose-one steps (location, service) built from them.

import { el, uniqueId } from "./dom.js";
import { t } from "./i18n.js";

export function radioGroup(options) {
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
  const prefix = el("span", { class: "tb-visually-hidden" }, t("form.errorPrefix") + " ");
  element.replaceChildren(prefix, message);
  element.hidden = false;
}

export function textField(options) {
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
      options.required ? null : optional()
    ),
    options.hint ? el("p", { id: hintId, class: "tb-hint-text" }, options.hint) : null,
    error,
    input
  );
  return fieldHandle(wrapper, input, error, [errorId, hintId].filter(Boolean).join(" "));
}

// A text of several lines with a limit: the hint says what fits, a counter how much is left
// (read with the field, not announced at every key).
export function textAreaField(options) {
  const id = "tb-field-" + options.name;
  const hintId = id + "-hint";
  const countId = id + "-count";
  const errorId = id + "-error";
  const input = el("textarea", {
    id: id,
    name: options.name,
    rows: options.rows || 4,
    maxlength: options.maxlength,
    "aria-describedby": hintId + " " + countId,
    class: "tb-input tb-textarea",
  });
  input.value = options.value || "";
  const count = el("p", { id: countId, class: "tb-hint-text tb-counter" });
  function recount() {
    const left = options.maxlength - input.value.length;
    count.textContent = t("form.counter", { left: left, max: options.maxlength });
  }
  input.addEventListener("input", recount);
  recount();
  const error = el("p", { id: errorId, class: "tb-error-message", hidden: true });
  const wrapper = el(
    "div",
    { class: "tb-field", "data-tb-field": options.name },
    el("label", { for: id, class: "tb-label" }, options.label, optional()),
    el("p", { id: hintId, class: "tb-hint-text" }, options.hint),
    error,
    input,
    count
  );
  return fieldHandle(wrapper, input, error, [errorId, hintId, countId].join(" "));
}

function optional() {
  return el("span", { class: "tb-optional" }, " " + t("form.optional"));
}

export function checkboxField(options) {
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
    el("h3", { id: titleId, class: "tb-error-summary-title" }, t("form.errorSummary")),
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

export function showErrors(form, errors) {
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

export function resetErrors(form) {
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

// A step that asks for one of `items` by id: an error at the group if none is chosen.
export function whenChosen(form, group, items, missing, onChosen) {
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
