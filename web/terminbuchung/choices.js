// The days and times to choose from, shared by booking and moving an appointment, so
// both name days and times alike.

import { berlinDay, formatDay, formatTime } from "./dates.js";
import { t, tCount } from "./i18n.js";

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
      hint: tCount("day.freeTimes", count),
    };
  });
}

// slots: the free slots of one day, in order.
export function timeLegend(slots) {
  return t("time.legend", { day: formatDay(slots[0].start) });
}

export function timeChoices(slots) {
  return slots.map(function (slot) {
    return { value: slot.start, label: formatTime(slot.start) };
  });
}
