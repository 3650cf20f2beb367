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

// Like parent.append, but leaves out what is not there (null for "no such block").
export function add(parent, ...children) {
  children.forEach(function (child) {
    if (child !== null && child !== undefined && child !== false) {
      parent.append(child);
    }
  });
}

let uniqueCounter = 0;
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return "tb-" + prefix + "-" + uniqueCounter;
}
