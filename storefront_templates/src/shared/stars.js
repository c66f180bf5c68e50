// Ratings in words and stars, for the visitor's page and the console: "★★★★☆" beside "4 stars
// of 5" for screen readers, and an average with how many ratings it comes from.

/** @param {number} stars 1 to 5 */
export const starsLabel = (stars) => `${stars} ${stars === 1 ? "star" : "stars"} of 5`;

/** @param {number} stars 1 to 5 (an average is rounded) */
export const starsText = (stars) => {
  const n = Math.max(0, Math.min(5, Math.round(stars)));
  return "★".repeat(n) + "☆".repeat(5 - n);
};

/**
 * "4.5 of 5 from 12 ratings"; "" when nothing was rated yet.
 * @param {{average: number | null, count: number}} summary
 */
export function averageWords(summary) {
  if (summary.average === null || summary.count === 0) return "";
  const average = summary.average.toFixed(1).replace(/\.0$/, "");
  return `${average} of 5 from ${summary.count} ${summary.count === 1 ? "rating" : "ratings"}`;
}

/**
 * Stars (hidden from screen readers) and their words, as one element.
 * @param {number} stars
 * @param {string} words what a screen reader says instead
 */
export function starsNode(stars, words) {
  const span = document.createElement("span");
  span.className = "stars";
  span.setAttribute("role", "img");
  span.setAttribute("aria-label", words);
  span.textContent = starsText(stars);
  return span;
}
