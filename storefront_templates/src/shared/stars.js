// Ratings in words and stars, for the visitor's page and the console: stars on screen, "4 stars
// of 5" for screen readers, and an average with how many ratings it comes from.

/** @param {number} stars 1 to 5 */
export const starsLabel = (stars) => `${stars} ${stars === 1 ? "star" : "stars"} of 5`;

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
 * Stars (hidden from screen readers) and their words, as one element. An average fills its
 * stars in part (4.5: four and a half), by clipping a row of filled stars over empty ones.
 * @param {number} stars 1 to 5, or an average
 * @param {string} words what a screen reader says instead
 */
export function starsNode(stars, words) {
  const span = document.createElement("span");
  span.className = "stars";
  span.setAttribute("role", "img");
  span.setAttribute("aria-label", words);
  span.style.cssText = "position: relative; display: inline-block; white-space: nowrap;";
  const empty = document.createElement("span");
  empty.textContent = "★★★★★";
  empty.style.cssText = "opacity: 0.3;";
  const filled = document.createElement("span");
  filled.textContent = "★★★★★";
  const part = (Math.max(0, Math.min(5, stars)) / 5) * 100;
  filled.style.cssText = `position: absolute; left: 0; top: 0; overflow: hidden; width: ${part}%;`;
  span.append(empty, filled);
  return span;
}
