// The API's codes in the office's words.

export const STATUS = {
  pending: "noch nicht bestätigt",
  confirmed: "bestätigt",
  expired: "verfallen (nicht bestätigt)",
  cancelled: "abgesagt von der Bürgerin / dem Bürger",
  cancelled_by_office: "abgesagt vom Jobcenter",
};

export const VIA = {
  online: "online",
  phone: "telefonisch",
};

export function serviceName(location, id) {
  const known = (location.services || []).find(function (service) {
    return service.id === id;
  });
  return known ? known.name : id;
}

export function locationOf(member, id) {
  return (
    member.locations.find(function (location) {
      return location.id === id;
    }) || { id: id, name: id, services: [] }
  );
}
