// The days and times to choose from, shared by booking and moving an appointment, so
// both name days and times alike.

import { berlinDay, formatDay, formatTime } from "./dates.js";

// What the day and time steps say when nothing was chosen.
export const CHOOSE_DAY = "Bitte wählen Sie einen Tag.";
export const CHOOSE_TIME = "Bitte wählen Sie eine Uhrzeit.";

// The free slots grouped by their day in Berlin, days and slots in the slots' order.
export function slotsByDay(slots) {
  const byDay = new Map();
  slots.forEach(function (slot) {
    const day = berlinDay(slot.start);
    if (!byDay.has(day)) {
      byDay.set(day, []);
    }
    byDay.get(day).push(slot);
  });
  return byDay;
}

// byDay: Map of Berlin day -> its free slots, in order.
export function dayChoices(byDay) {
  return Array.from(byDay.entries()).map(function (entry) {
    const count = entry[1].length;
    return {
      value: entry[0],
      label: formatDay(entry[1][0].start),
      hint: count === 1 ? "1 freie Uhrzeit" : count + " freie Uhrzeiten",
    };
  });
}

// slots: the free slots of one day, in order.
export function timeLegend(slots) {
  return "Um wie viel Uhr möchten Sie am " + formatDay(slots[0].start) + " kommen?";
}

export function timeChoices(slots) {
  return slots.map(function (slot) {
    return { value: slot.start, label: formatTime(slot.start) };
  });
}
