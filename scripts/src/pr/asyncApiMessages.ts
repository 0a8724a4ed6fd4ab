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

/**
 * An AsyncAPI 2 document with the messages its channels name by local `$ref` (`message: {$ref:
 * '#/components/messages/X'}`, and each item of `message.oneOf`) written in place, as a reader of the
 * channel sees them. api-smart-diff's AsyncAPI 2 rules follow `$ref`s inside a payload schema but not a
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
    return message;
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
