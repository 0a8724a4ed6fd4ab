import jsyaml from 'js-yaml';

// The fast path must produce exactly the values Backstage gets from `yaml` (YAML 1.2 core schema,
// no merge keys, no timestamps), so scalars are resolved with the 1.2 core rules spelled out here
// rather than js-yaml's own CORE_SCHEMA, which also accepts `0b…`, `_` separators and the like.
const NULL = /^(?:~|null|Null|NULL)?$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const FLOAT_INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const FLOAT_NAN = /^\.(?:nan|NaN|NAN)$/;

// js-yaml tries every implicit type on every plain scalar. Each pattern only matches short words (null,
// bool) or text starting with a digit, a sign or a dot (numbers): a cheap test of length or first
// character skips the patterns for the names, URLs and sentences most catalog values are, with the same
// verdicts.
const NULL_MAX = 4;
const BOOL_MIN = 4;
const BOOL_MAX = 5;

function mayBeNumber(data: string): boolean {
  const c = data.charCodeAt(0);
  // 0-9, '+', '-', '.'
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

const isNull = (data: string) => data.length <= NULL_MAX && NULL.test(data);
const isBool = (data: string) => data.length >= BOOL_MIN && data.length <= BOOL_MAX && BOOL.test(data);
const isInt = (data: string) => mayBeNumber(data) && (INT.test(data) || INT_OCT.test(data) || INT_HEX.test(data));
const isFloat = (data: string) => mayBeNumber(data) && (FLOAT.test(data) || FLOAT_INF.test(data) || FLOAT_NAN.test(data));

const nullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || isNull(data),
  construct: () => null,
  predicate: (value: unknown) => value === null,
});

const boolType = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && isBool(data),
  construct: (data: string) => data[0] === 't' || data[0] === 'T',
  predicate: (value: unknown) => typeof value === 'boolean',
});

const intType = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && isInt(data),
  construct: (data: string) => {
    if (data.startsWith('0o')) return parseInt(data.slice(2), 8);
    if (data.startsWith('0x')) return parseInt(data.slice(2), 16);
    return Number(data);
  },
  predicate: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
});

const floatType = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && isFloat(data),
  construct: (data: string) => {
    if (FLOAT_NAN.test(data)) return NaN;
    if (FLOAT_INF.test(data)) return data.startsWith('-') ? -Infinity : Infinity;
    return parseFloat(data);
  },
  predicate: (value: unknown) => typeof value === 'number',
});

export const YAML_12_CORE = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType],
});

/** Whether a plain scalar stays a string under the YAML 1.2 core schema (no null, bool or number). */
export function resolvesToString(plain: string): boolean {
  return !(isNull(plain) || isBool(plain) || isInt(plain) || isFloat(plain));
}
