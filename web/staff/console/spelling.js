// Reading a reference out on the phone: each character with the German spelling alphabet
// (DIN 5009, the traditional names) and the international (NATO) one. References hold no
// 0/O and no 1/I/L (terminbuchung/references.py), so nothing here is ambiguous.

const GERMAN = {
  A: "Anton", B: "Berta", C: "Cäsar", D: "Dora", E: "Emil", F: "Friedrich", G: "Gustav",
  H: "Heinrich", I: "Ida", J: "Julius", K: "Kaufmann", L: "Ludwig", M: "Martha", N: "Nordpol",
  O: "Otto", P: "Paula", Q: "Quelle", R: "Richard", S: "Samuel", T: "Theodor", U: "Ulrich",
  V: "Viktor", W: "Wilhelm", X: "Xanthippe", Y: "Ypsilon", Z: "Zacharias",
  0: "null", 1: "eins", 2: "zwo", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben", 8: "acht", 9: "neun",
  "-": "Bindestrich",
};

const NATO = {
  A: "Alfa", B: "Bravo", C: "Charlie", D: "Delta", E: "Echo", F: "Foxtrot", G: "Golf",
  H: "Hotel", I: "India", J: "Juliett", K: "Kilo", L: "Lima", M: "Mike", N: "November",
  O: "Oscar", P: "Papa", Q: "Quebec", R: "Romeo", S: "Sierra", T: "Tango", U: "Uniform",
  V: "Victor", W: "Whiskey", X: "X-ray", Y: "Yankee", Z: "Zulu",
  0: "Zero", 1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight", 9: "Niner",
  "-": "Dash",
};

// [[character, German word, NATO word], ...]
export function spell(reference) {
  return Array.from(String(reference).toUpperCase()).map(function (character) {
    return [character, GERMAN[character] || character, NATO[character] || character];
  });
}

export function germanSpelling(reference) {
  return spell(reference).map(function (row) {
    return row[1];
  }).join(" – ");
}

export function natoSpelling(reference) {
  return spell(reference).map(function (row) {
    return row[2];
  }).join(" – ");
}
