// "Termin verschieben" from the manage view: a new day, a new time, then one request
// (POST /bookings/{reference}/reschedule) that moves the booking in one step. The old
// appointment stays the citizen's until the API has confirmed the new one; if the new time
// is taken meanwhile, nothing changed and the times free now are offered.

import { api } from "./api.js";
import { idempotencyHeader, attemptDone } from "./attempts.js";
import { calendarLink } from "./calendar.js";
import { dayChoices, slotsByDay, timeChoices, timeLegend } from "./choices.js";
import { formatWhen } from "./dates.js";
import { add, el } from "./dom.js";
import { t } from "./i18n.js";
import { manage } from "./manage.js";
import { prepare as prepareProofOfWork, sendWithProofOfWork } from "./proof-of-work.js";
import {
  announce,
  backButton,
  buttonRow,
  contactBlock,
  load,
  nextButton,
  notice,
  primaryButton,
  secondaryButton,
  show,
  state,
  ui,
  view,
} from "./page.js";
import { bookingSummary, summaryList } from "./summary.js";
import { radioGroup, showErrors } from "./widgets.js";

// The move in progress: the booking as the manage view showed it, its link, the slots.
export const move = { booking: null, link: null, slots: [], day: null, slot: null, done: false };

// Refusals after which choosing another time does not help: said with the phone number.
const FINAL = new Set([
  "reschedule_limit",
  "too_late",
  "not_confirmed",
  "not_yet_confirmed",
  "booking_not_found",
]);

export function rescheduleButton(booking, link) {
  return el(
    "button",
    {
      type: "button",
      class: "tb-button tb-button--secondary",
      "data-tb-reschedule": "",
      onclick: function () {
        move.booking = booking;
        move.link = link;
        move.day = null;
        move.slot = null;
        move.done = false;
        loadNewDays();
      },
    },
    t("move.button")
  );
}

function place() {
  return (
    state.locations.find(function (location) {
      return location.id === move.booking.location;
    }) || null
  );
}

async function loadSlots() {
  const answer = await api(
    "GET",
    "/locations/" +
      encodeURIComponent(move.booking.location) +
      "/slots?service=" +
      encodeURIComponent(move.booking.service)
  );
  // The appointment's own time is no choice: it is the citizen's already.
  move.slots = (answer.slots || []).filter(function (slot) {
    return slot.start !== move.booking.start;
  });
}

function newSlotsByDay() {
  return slotsByDay(move.slots);
}

function keptNotice() {
  return notice(
    "info",
    el(
      "p",
      {},
      t("move.kept", { when: formatWhen(move.booking.start) })
    )
  );
}

function backToBooking() {
  manage(move.link);
}

export function loadNewDays(message) {
  load(t("day.loading"), loadSlots, function () {
    showNewDays(message);
  });
}

export function showNewDays(message) {
  const byDay = newSlotsByDay();
  const current = view("reschedule-day", t("move.day.title"));
  prepareProofOfWork(); // solved while the citizen picks the new time
  if (message) {
    add(current.section, notice("error", el("p", {}, message)));
    announce(message);
  }
  add(current.section, keptNotice());
  if (byDay.size === 0) {
    add(
      current.section,
      el("p", {}, t("move.none")),
      contactBlock(),
      buttonRow(secondaryButton(t("move.backToBooking"), backToBooking))
    );
    show(current);
    return;
  }
  if (move.day && !byDay.has(move.day)) {
    move.day = null;
  }
  const group = radioGroup({
    name: "day",
    legend: t("move.day.legend"),
    selected: move.day,
    choices: dayChoices(byDay),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  form.append(
    buttonRow(
      nextButton(),
      secondaryButton(t("move.backToBooking"), backToBooking)
    )
  );
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const day = group.value();
    if (!day) {
      showErrors(form, [{ field: group, message: t("day.missing") }]);
      return;
    }
    if (move.day !== day) {
      move.slot = null;
    }
    move.day = day;
    showNewTimes();
  });
  add(current.section, form);
  show(current);
}

export function showNewTimes(message) {
  const slots = newSlotsByDay().get(move.day) || [];
  if (slots.length === 0) {
    showNewDays(message);
    return;
  }
  const current = view("reschedule-time", t("move.time.title"));
  if (message) {
    add(current.section, notice("error", el("p", {}, message)));
    announce(message);
  }
  const group = radioGroup({
    name: "time",
    legend: timeLegend(slots),
    selected: move.slot,
    className: "tb-radios--times",
    choices: timeChoices(slots),
  });
  const form = el("form", { novalidate: true, class: "tb-form" }, group.element);
  form.append(buttonRow(nextButton(), backButton(showNewDays)));
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const chosen = slots.find(function (slot) {
      return slot.start === group.value();
    });
    if (!chosen) {
      showErrors(form, [{ field: group, message: t("time.missing") }]);
      return;
    }
    move.slot = chosen.start;
    showMoveQuestion();
  });
  add(current.section, form);
  show(current);
}

export function showMoveQuestion() {
  const current = view("reschedule-confirm", t("move.question"));
  const progress = el("p", { class: "tb-progress", hidden: true }, t("move.progress"));
  const errorBox = el("div", { "data-tb-reschedule-error": "" });
  const yes = primaryButton(t("move.yes"), { type: "button" });
  yes.addEventListener("click", function () {
    submitMove(yes, progress, errorBox);
  });
  add(
    current.section,
    summaryList([
      [t("move.before"), formatWhen(move.booking.start)],
      [t("move.after"), formatWhen(move.slot)],
    ]),
    el("p", {}, t("move.freed", { reference: move.booking.reference })),
    errorBox,
    buttonRow(yes, backButton(showNewTimes)),
    progress
  );
  show(current);
}

async function submitMove(yes, progress, errorBox) {
  if (ui.busy) {
    return;
  }
  ui.busy = true;
  yes.setAttribute("aria-disabled", "true");
  progress.hidden = false;
  errorBox.replaceChildren();
  announce(t("move.progress"));
  const path = "/bookings/" + encodeURIComponent(move.link.reference) + "/reschedule";
  const body = { token: move.link.token, start: move.slot };
  try {
    // A retry of this move (a lost answer) moves nothing twice; another time is a new key.
    const headers = idempotencyHeader("POST " + path + " " + move.slot);
    const moved = await sendWithProofOfWork(function (altcha) {
      return api("POST", path, Object.assign({ altcha: altcha }, body), headers);
    });
    attemptDone();
    showMoved(moved);
  } catch (error) {
    progress.hidden = true;
    yes.removeAttribute("aria-disabled");
    moveFailed(error, yes, errorBox);
  } finally {
    ui.busy = false;
  }
}

function moveFailed(error, yes, errorBox) {
  if (error.code === "slot_full" || error.code === "slot_unavailable") {
    // Someone else took that time: nothing changed; the times free now.
    move.slot = null;
    load(t("time.reloading"), loadSlots, function () {
      showNewTimes(t("move.taken", { message: error.message }));
    });
    return;
  }
  const parts = [el("p", {}, error.message)];
  if (error.errorNumber || error.requestId) {
    parts.push(el("p", {}, t("error.number", { number: error.errorNumber || error.requestId })));
  }
  const help = FINAL.has(error.code) ? contactBlock() : null;
  errorBox.replaceChildren(...[notice("error", ...parts), help].filter(Boolean));
  announce(error.message);
  if (FINAL.has(error.code)) {
    yes.hidden = true;
  }
}

function showMoved(moved) {
  const location = place();
  const service = location
    ? location.services.find(function (candidate) {
        return candidate.id === moved.service;
      }) || null
    : null;
  const current = view("rescheduled", t("moved.title"));
  add(
    current.section,
    notice(
      "success",
      el("p", {}, t("moved.new", { when: formatWhen(moved.start) })),
      el("p", {}, t("moved.old"))
    ),
    bookingSummary(moved, location, service),
    buttonRow(
      calendarLink(moved.reference, move.link.token),
      secondaryButton(t("moved.toBooking"), backToBooking)
    )
  );
  show(current);
  announce(t("moved.announce", { when: formatWhen(moved.start) }));
  move.booking = Object.assign({}, move.booking, moved);
  move.done = true; // Back to the move's steps now shows the booking as it is
}

// Back, Forward and reload (history.js): the move's step as plain data, and back to it.
export function moveSnapshot(step) {
  return {
    step: step,
    reference: move.link ? move.link.reference : null,
    day: move.day,
    slot: move.slot,
  };
}

export function openMove(taken, link) {
  const sameBooking = move.booking && move.link && move.link.reference === link.reference;
  const render = function () {
    move.day = taken.day || null;
    move.slot = taken.slot || null;
    const stillFree = move.slots.some(function (slot) {
      return slot.start === move.slot;
    });
    if (taken.step === "reschedule-confirm" && stillFree) {
      showMoveQuestion();
    } else if (taken.step !== "reschedule-day" && move.day) {
      showNewTimes();
    } else {
      showNewDays();
    }
  };
  if (sameBooking && move.slots.length) {
    render();
    return;
  }
  load(
    t("manage.loading"),
    async function () {
      const results = await Promise.all([
        api("GET", "/bookings/" + encodeURIComponent(link.reference), undefined, {
          "X-Booking-Token": link.token,
        }),
        api("GET", "/locations"),
      ]);
      move.booking = results[0];
      move.link = link;
      state.locations = (results[1] && results[1].locations) || [];
      state.contact = (results[1] && results[1].contact) || null;
      await loadSlots();
    },
    function () {
      if (move.booking.status !== "confirmed") {
        manage(link);
        return;
      }
      render();
    }
  );
}
