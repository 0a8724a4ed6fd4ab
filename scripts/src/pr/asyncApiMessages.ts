import { isRecord } from '../load/loadCatalog.ts';
import { atPointer } from './resolveRepoRefs.ts';

const OPERATIONS = ['publish', 'subscribe'] as const;
// A message `$ref` that names another message `$ref`: followed this many times, then left as written.
const MAX_HOPS = 8;

/** How many values `value` holds, counting stops past `cap` (a message shared by many channels is walked once per channel). */
function nodesOf(value: unknown, cap: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length && count <= cap) {
    const node = stack.pop();
    count++;
    if (node && typeof node === 'object') stack.push(...Object.values(node));
  }
  return count;
}

/** The message a local `$ref` names (`#/components/messages/…`), followed through further refs, or the node as written. */
function messageAt(document: unknown, node: unknown): unknown {
  let current = node;
  for (let hop = 0; hop < MAX_HOPS && isRecord(current) && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); hop++) {
    const target = atPointer(document, current.$ref.slice(1));
    if (target === undefined) return current;
    current = target;
  }
  return current;
}

/** A copy of `object` with `key` set; defineProperty keeps a `__proto__` key from a pull request a plain key. */
function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** RFC 7386 JSON Merge Patch of `patch` over `target` (a null in the patch removes the key); neither is changed. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch) || Array.isArray(patch)) return patch;
  let result: Record<string, unknown> = isRecord(target) && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      const { [key]: _dropped, ...kept } = result;
      result = kept;
    } else result = withKey(result, key, mergePatch(Object.prototype.hasOwnProperty.call(result, key) ? result[key] : undefined, value));
  }
  return result;
}

/**
 * An AsyncAPI 2 document with the messages its channels name by local `$ref` (`message: {$ref:
 * '#/components/messages/X'}`, and each item of `message.oneOf`) written in place, as a reader of the
 * channel sees them, each with its traits merged in. api-smart-diff's AsyncAPI 2 rules follow `$ref`s inside a payload schema but not a
 * message `$ref`: without this, a required property removed from a message kept under components (the
 * style AsyncAPI's own examples use) came out "unclassified" at `components.messages…` and no breaking
 * change at all. Takes the parsed (repo-refs resolved) document; returns a copy (the input is not
 * changed; only the channel, operation and message containers are copied), or the input itself when it
 * is not an AsyncAPI 2 document with channels. Components stay, so their own diffs are still listed.
 * Undefined when the messages written in place would hold more than `maxNodes` values in all (one large
 * message named by thousands of channels): the diff would walk each copy.
 */
export function inlineChannelMessages(document: unknown, maxNodes: number): unknown {
  if (!isRecord(document) || typeof document.asyncapi !== 'string' || !/^\s*2\./.test(document.asyncapi) || !isRecord(document.channels)) return document;
  const channels: Record<string, unknown> = {};
  let budget = maxNodes;
  const inline = (node: unknown) => {
    const message = messageAt(document, node);
    if (message !== node) budget -= nodesOf(message, budget);
    if (!isRecord(message) || !Array.isArray(message.traits)) return message;
    // AsyncAPI 2: each trait is merged into the message with JSON Merge Patch, in order, the trait's values
    // over the message's (as the AsyncAPI parser and Spectral's mergeTraits apply them). A header or payload
    // a trait gives is the message's, and a change to it is diffed as one.
    const { traits, ...rest } = message;
    let merged: Record<string, unknown> = rest;
    for (const written of traits) {
      const trait = messageAt(document, written);
      budget -= nodesOf(trait, budget);
      // A trait whose $ref leads nowhere or round in a cycle adds nothing (as a parser that cannot resolve
      // it): merged, its `$ref` key would read as the message's own, a change nobody made.
      if (isRecord(trait) && typeof trait.$ref !== 'string') for (const [key, value] of Object.entries(trait)) merged = withKey(merged, key, mergePatch(merged[key], value));
    }
    return merged;
  };
  for (const [name, channel] of Object.entries(document.channels)) {
    let copy: unknown = channel;
    if (isRecord(channel)) {
      const item: Record<string, unknown> = { ...channel };
      for (const operation of OPERATIONS) {
        const op = channel[operation];
        if (!isRecord(op) || op.message === undefined) continue;
        let message = inline(op.message);
        if (isRecord(message) && Array.isArray(message.oneOf)) message = { ...message, oneOf: message.oneOf.map(inline) };
        if (budget < 0) return undefined;
        item[operation] = { ...op, message };
      }
      copy = item;
    }
    // defineProperty: a `__proto__` channel name from a PR stays a plain key.
    Object.defineProperty(channels, name, { value: copy, enumerable: true, writable: true, configurable: true });
  }
  return { ...document, channels };
}

/** A message of a channel as headersAsPayload gives it: only its headers schema, as its payload (`{}` when it has none). */
const headersOnly = (message: unknown) => ({ payload: isRecord(message) && isRecord(message.headers) ? message.headers : {} });

/**
 * The channels of an AsyncAPI 2 document (its messages written in place: inlineChannelMessages) with each
 * message reduced to its headers schema, written as its payload. api-smart-diff has no rules below a
 * message's `headers` (every change there is unclassified), though they are a schema read or sent like
 * the payload: diffing this view gives header changes the payload's rules (a required header a reader
 * relies on removed, an optional one added). Takes the document; returns the view (channels and their
 * operations' messages only), or undefined when it has no channels.
 */
export function headersAsPayload(document: unknown): unknown {
  if (!isRecord(document) || !isRecord(document.channels)) return undefined;
  const channels: Record<string, unknown> = {};
  for (const [name, channel] of Object.entries(document.channels)) {
    const item: Record<string, unknown> = {};
    for (const operation of OPERATIONS) {
      const op = isRecord(channel) ? channel[operation] : undefined;
      if (!isRecord(op) || op.message === undefined) continue;
      const message = op.message;
      item[operation] = { message: isRecord(message) && Array.isArray(message.oneOf) ? { oneOf: message.oneOf.map(headersOnly) } : headersOnly(message) };
    }
    Object.defineProperty(channels, name, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return { asyncapi: document.asyncapi, info: document.info, channels };
}

/** The index of `payload` in a diff path of headersAsPayload's view (`channels.<c>.<op>.message[.oneOf.<i>].payload…`), or -1. */
function viewPayloadAt(path: readonly (string | number)[]): number {
  if (path[0] !== 'channels' || path[3] !== 'message') return -1;
  if (path[4] === 'payload') return 4;
  return path[4] === 'oneOf' && path[6] === 'payload' ? 6 : -1;
}

/** Whether a diff path of the document lies in a channel message's `headers` (`channels.<c>.<op>.message[.oneOf.<i>].headers…`). */
export function inMessageHeaders(path: readonly (string | number)[]): boolean {
  if (path[0] !== 'channels' || path[3] !== 'message') return false;
  return path[4] === 'headers' || (path[4] === 'oneOf' && path[6] === 'headers');
}

/** Diffs of headersAsPayload's views put back at the headers they are about (`payload` → `headers`); anything else in the view is left out. */
export function headerDiffs<T extends { path: (string | number)[]; description?: string }>(diffs: readonly T[]): T[] {
  return diffs.flatMap(diff => {
    const at = viewPayloadAt(diff.path);
    if (at < 0) return [];
    const path = [...diff.path.slice(0, at), 'headers', ...diff.path.slice(at + 1)];
    return [{ ...diff, path, ...(diff.description ? { description: diff.description.replace(/\bpayload\b/gi, 'headers') } : {}) }];
  });
}
