// Back, Forward and reload: one browser history entry per step, and the booking in progress
// kept in sessionStorage, so browser Back goes one step back (not off the page), Forward
// forward, and a reload opens the step it left with the entries made (also the
// confirmation). sessionStorage lives as long as the tab and never leaves the browser; the
// entries are dropped once the booking is made (only the confirmation stays) and when a
// booking is cancelled or a new one started.
//
// Hooked in with page.js's whenShown (every view passes through show()) and the entry
// module's resume(); the steps themselves know nothing of history.

import { api } from "./api.js";
import { t } from "./i18n.js";
import { linkFromFragment } from "./link.js";
import { manage } from "./manage.js";
import { isPriorityLink, priorityFromFragment } from "./priority.js";
import { load, state, whenShown } from "./page.js";
import { showConfirmation } from "./step-confirmation.js";
import { loadSlots, showDays } from "./step-day.js";
import { showDetails } from "./step-details.js";
import { showLocations, start } from "./step-location.js";
import { move, moveSnapshot, openMove } from "./step-reschedule.js";
import { showServices } from "./step-service.js";
import { showTimes } from "./step-time.js";

const STORAGE_KEY = "terminbuchung";
const FORM_FIELDS = ["name", "email", "phone", "household_number", "remarks"];

// The views that are steps of a booking, and the step each one stands for ("no-slots" is
// the day step with nothing to choose).
const STEP_OF_VIEW = {
  location: "location",
  service: "service",
  day: "day",
  "no-slots": "day",
  time: "time",
  details: "details",
  confirmation: "confirmation",
  // The e-mail's link (reference and token in the fragment) and moving that booking.
  manage: "manage",
  rescheduled: "manage",
  "reschedule-day": "reschedule-day",
  "reschedule-time": "reschedule-time",
  "reschedule-confirm": "reschedule-confirm",
};

const BOOKING_STEPS = new Set(["location", "service", "day", "time", "details", "confirmation"]);

// Views after which nothing of the booking in progress is kept.
const FORGETTING_VIEWS = new Set(["cancelled", "link-incomplete"]);

// The next step shown answers Back, Forward or a reload: it takes the current entry
// instead of adding one (also when it is another step than the entry's, e.g. a move made).
let replaying = false;

function storage() {
  try {
    return window.sessionStorage;
  } catch (blocked) {
    return null; // storage switched off: Back and Forward still work, reload starts over
  }
}

function read() {
  const store = storage();
  if (!store) {
    return null;
  }
  try {
    return JSON.parse(store.getItem(STORAGE_KEY) || "null");
  } catch (damaged) {
    return null;
  }
}

function write(snapshot) {
  const store = storage();
  if (!store) {
    return;
  }
  try {
    if (snapshot) {
      store.setItem(STORAGE_KEY, JSON.stringify(snapshot));
    } else {
      store.removeItem(STORAGE_KEY);
    }
  } catch (full) {
    // Quota or privacy mode: nothing to keep, nothing breaks.
  }
}

export function forgetBooking() {
  write(null);
}

// The hold handle of the booking that waits for its confirmation (step-details.js): kept
// with the entries in progress, so a corrected address replaces the first hold even after
// a reload of the page.
export function keepHold(hold) {
  state.hold = hold || null;
  const taken = read();
  if (taken && taken.form) {
    taken.hold = state.hold;
    write(taken);
  }
}

// The booking in progress as plain data: ids and times, never objects of the API.
function snapshot(step) {
  if (step === "manage") {
    return { step: step };
  }
  if (!BOOKING_STEPS.has(step)) {
    return moveSnapshot(step); // no token: that stays in the fragment
  }
  const taken = {
    step: step,
    location: state.location ? state.location.id : null,
    service: state.service ? state.service.id : null,
    day: state.day || null,
    slot: state.slot ? state.slot.start : null,
  };
  if (step === "confirmation" && state.confirmation) {
    const booking = state.confirmation;
    // After the booking only what the confirmation shows is kept: the name, phone and
    // household number the citizen typed are gone from the tab.
    taken.confirmation = {
      reference: booking.reference,
      token: booking.token,
      start: booking.start,
      end: booking.end,
      email: booking.email,
      location: booking.location ? booking.location.id : null,
      service: booking.service ? booking.service.id : null,
    };
  } else {
    taken.form = {};
    FORM_FIELDS.forEach(function (name) {
      taken.form[name] = state.form[name] || "";
    });
    taken.form.consent = Boolean(state.form.consent);
    taken.hold = state.hold || null;
  }
  return taken;
}

function stepShown(view) {
  if (FORGETTING_VIEWS.has(view)) {
    forgetBooking();
    return;
  }
  const step = STEP_OF_VIEW[view];
  if (!step) {
    return; // loading, failures, notices: no step of their own
  }
  const taken = snapshot(step);
  // The booking in progress is kept for a reload; a booking opened by its link has its
  // link for that, and only a move's step is kept beside it.
  write(step === "manage" ? null : taken);
  const entry = { tb: taken };
  const current = window.history.state;
  const here = window.location.href;
  const replay = replaying;
  replaying = false;
  if (replay || !current || !current.tb || current.tb.step === step) {
    // The first step takes the page's own entry (Back from it leaves the page, as before);
    // a step shown again, or shown for Back and Forward, keeps its entry.
    window.history.replaceState(entry, "", here);
  } else {
    window.history.pushState(entry, "", here);
  }
}

function findById(list, id) {
  return (
    (list || []).find(function (item) {
      return item.id === id;
    }) || null
  );
}

// The state a snapshot describes; the slots must be loaded for day, time and slot.
function apply(taken) {
  state.location = findById(state.locations, taken.location);
  state.service = state.location ? findById(state.location.services, taken.service) : null;
  state.day = taken.day || null;
  state.slot =
    state.slots.find(function (slot) {
      return slot.start === taken.slot;
    }) || null;
  if (taken.form) {
    Object.assign(state.form, taken.form);
    state.hold = taken.hold || null;
  }
  if (taken.confirmation) {
    const booking = taken.confirmation;
    const location = findById(state.locations, booking.location);
    state.confirmation = Object.assign({}, booking, {
      location: location,
      service: location ? findById(location.services, booking.service) : null,
    });
  }
}

function render(step) {
  if (step === "confirmation" && state.confirmation) {
    showConfirmation();
  } else if (step === "location") {
    showLocations();
  } else if (step === "service" && state.location) {
    showServices();
  } else if (step === "day" && state.service) {
    showDays();
  } else if (step === "time" && state.day) {
    showTimes();
  } else if (step === "details" && state.slot) {
    showDetails();
  } else if (state.service && state.day) {
    // The slot chosen is gone meanwhile: the times that are free now.
    showTimes();
  } else if (state.service) {
    showDays();
  } else {
    showLocations();
  }
}

// Show the step `taken` describes, loading what the page does not hold yet.
function open(taken) {
  if (!BOOKING_STEPS.has(taken.step)) {
    openManaged(taken);
    return;
  }
  const needsLocations = state.locations.length === 0;
  const needsSlots =
    taken.step !== "confirmation" &&
    Boolean(taken.service) &&
    ["day", "time", "details"].includes(taken.step);
  if (!needsLocations && !needsSlots) {
    apply(taken);
    replay(taken.step);
    return;
  }
  load(
    t("loading.start"),
    async function () {
      if (needsLocations) {
        const answer = await api("GET", "/locations");
        state.locations = (answer && answer.locations) || [];
        state.contact = (answer && answer.contact) || null;
      }
      apply(taken);
      if (needsSlots && state.location && state.service) {
        await loadSlots();
        apply(taken); // the slot is one of the slots loaded
      }
    },
    function () {
      replay(taken.step);
    }
  );
}

function replay(step) {
  replaying = true;
  render(step);
}

// The manage view or a step of moving its booking, for the link in the fragment.
function openManaged(taken) {
  const link = linkFromFragment();
  if (!link || link.incomplete) {
    start();
    return;
  }
  replaying = true;
  const otherBooking = taken.reference && taken.reference !== link.reference;
  if (taken.step === "manage" || move.done || otherBooking) {
    manage(link); // a move made is done: its steps show the booking as it is now
  } else {
    openMove(taken, link);
  }
}

// After a reload: the step the tab left, if there is one and no link in the fragment asks
// for something else. True if it took over the first view.
export function resume() {
  const taken = read();
  // The office's notice (#priority=…&token=…) starts a booking: its steps are kept as any.
  state.priority = priorityFromFragment();
  if (!isPriorityLink() && /(?:^#|&)(?:reference|token)=/.test(window.location.hash)) {
    // The e-mail's link: the manage view, or the step of moving it the tab left.
    const link = linkFromFragment();
    if (taken && link && !link.incomplete && taken.reference === link.reference) {
      replaying = true;
      openMove(taken, link);
      return true;
    }
    return false;
  }
  if (!taken || !taken.step || !Object.values(STEP_OF_VIEW).includes(taken.step)) {
    return false;
  }
  if (taken.step === "confirmation" && !taken.confirmation) {
    return false;
  }
  replaying = true;
  open(taken);
  return true;
}

// Listens for Back and Forward, for every view shown, and for what the citizen types.
export function rememberSteps(root) {
  whenShown(stepShown);
  window.addEventListener("popstate", function (event) {
    const entry = event.state;
    if (!entry || !entry.tb) {
      return; // not one of ours: the manage link's own entries (link.js)
    }
    // The step of the entry, with the choices as they are now (a day chosen after this
    // entry was made stays chosen when going back to it); after a reload, as stored.
    const taken =
      state.locations.length || move.booking ? snapshot(entry.tb.step) : read() || entry.tb;
    taken.step = entry.tb.step;
    replaying = true;
    if (state.confirmation && BOOKING_STEPS.has(taken.step) && taken.step !== "confirmation") {
      // Booked already: going back shows the booking made, never its form again.
      open(snapshot("confirmation"));
      return;
    }
    open(taken);
  });
  root.addEventListener("input", function (event) {
    const field = event.target;
    if (!field || !field.form || field.form.getAttribute("data-tb-form") !== "booking") {
      return;
    }
    if (FORM_FIELDS.includes(field.name)) {
      state.form[field.name] = field.value;
    } else if (field.name === "consent") {
      state.form.consent = field.checked;
    } else {
      return;
    }
    write(snapshot("details"));
  });
}
