/**
 * `text` without the `/` characters it ends with, by hand: `text.replace(/\/+$/, '')` retries `\/+` from every
 * slash of a run that is not at the end, so a 200 KB fetch url of a team's template (`skeletons/////…/x`) held
 * the gate for minutes. Takes any string; returns it with no trailing slash ('' when it was all slashes). Pure.
 */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 47) end--;
  return end === text.length ? text : text.slice(0, end);
}
