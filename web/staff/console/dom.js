// Small DOM helpers: elements from a tag, attributes and children, and unique ids.

export function el(tag, attributes, ...children) {
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

// SVG elements need their namespace; attributes as for el().
const SVG = "http://www.w3.org/2000/svg";
export function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child);
    }
  }
  return node;
}

let uniqueCounter = 0;
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return "st-" + prefix + "-" + uniqueCounter;
}

// A labelled form field: label, optional hint, the control, and room for its error.
export function field(options) {
  const id = options.id || uniqueId(options.name);
  const hintId = options.hint ? id + "-hint" : null;
  const errorId = id + "-error";
  const control =
    options.control ||
    el("input", {
      id: id,
      name: options.name,
      type: options.type || "text",
      autocomplete: options.autocomplete || "off",
      required: options.required || false,
      value: options.value,
      min: options.min,
      max: options.max,
      maxlength: options.maxlength,
      inputmode: options.inputmode,
      spellcheck: options.spellcheck,
    });
  control.id = id;
  control.name = options.name;
  const described = [hintId].filter(Boolean).join(" ");
  if (described) {
    control.setAttribute("aria-describedby", described);
  }
  const label = el(
    "label",
    { for: id },
    options.label,
    options.required ? null : el("span", { class: "st-optional" }, " (freiwillig)")
  );
  const wrapper = el(
    "div",
    { class: "st-field", "data-field": options.name },
    label,
    hintId ? el("p", { class: "st-hint", id: hintId }, options.hint) : null,
    el("p", { class: "st-field-error", id: errorId, hidden: true }),
    control
  );
  return { wrapper: wrapper, control: control };
}

// The API's error at the field it names (aria-invalid, described by the message);
// returns whether a field of this form took it.
export function showFieldError(form, name, message) {
  const wrapper = form.querySelector('[data-field="' + name + '"]');
  if (!wrapper) {
    return false;
  }
  const control = wrapper.querySelector("input, select, textarea");
  const error = wrapper.querySelector(".st-field-error");
  error.textContent = message;
  error.hidden = false;
  control.setAttribute("aria-invalid", "true");
  const described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!described.includes(error.id)) {
    described.unshift(error.id);
  }
  control.setAttribute("aria-describedby", described.join(" "));
  control.focus();
  return true;
}

export function clearFieldErrors(form) {
  form.querySelectorAll(".st-field-error").forEach(function (error) {
    error.hidden = true;
    error.textContent = "";
    const control = error.parentElement.querySelector("input, select, textarea");
    if (control) {
      control.removeAttribute("aria-invalid");
      const rest = (control.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) {
          return id && id !== error.id;
        });
      if (rest.length) {
        control.setAttribute("aria-describedby", rest.join(" "));
      } else {
        control.removeAttribute("aria-describedby");
      }
    }
  });
}
