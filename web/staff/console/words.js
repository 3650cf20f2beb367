// The API's codes in the office's words.

export const STATUS = {
  pending: "noch nicht bestätigt",
  confirmed: "bestätigt",
  expired: "verfallen (nicht bestätigt)",
  replaced: "ersetzt (E-Mail-Adresse korrigiert, neu gebucht)",
  cancelled: "abgesagt von der Bürgerin / dem Bürger",
  cancelled_by_office: "abgesagt vom Jobcenter",
};

// What SES reported about the citizen's address (the booking's email_status): no e-mail about
// this booking goes out any more, the office calls instead.
export const EMAIL_STATUS = {
  bounced: "E-Mail nicht zustellbar: Die Adresse ist unbekannt oder nimmt keine Post an.",
  complained: "E-Mail als unerwünscht gemeldet: Die Bürgerin oder der Bürger möchte keine E-Mails von uns.",
  rejected: "E-Mail abgewiesen: Der Versand an diese Adresse wurde abgelehnt.",
};

// The languages a citizen can book in (the server's list: shared/terminbuchung/languages.py),
// by their German names. Staff arrange an interpreter by it; the e-mails go out in it.
export const LANGUAGES = {
  de: "Deutsch",
  "de-x-ls": "Leichte Sprache",
  en: "Englisch",
  uk: "Ukrainisch",
  ar: "Arabisch",
};

export function languageName(code) {
  return LANGUAGES[code] || code || LANGUAGES.de;
}

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
