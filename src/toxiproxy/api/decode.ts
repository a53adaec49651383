/**
 * JSON request bodies decoded the way the real server's Go decoder does: null and missing
 * fields leave defaults alone, keys match case-insensitively, unknown keys are ignored, and
 * type mismatches give Go's messages ("json: cannot unmarshal ... into Go struct field ...").
 * Integers must be written as integers (1e3 and 1.0 are refused, as in Go) and fit an
 * int64; a float32 must not overflow. Integers beyond ±(2^53-1), which Go takes but a
 * JavaScript number cannot hold exactly, are refused with a 400 of our own.
 */
import { ApiError, ErrBadRequestBody } from '../errors.ts';
import { JsonNumber, type ParseResult } from './json-parse.ts';

export type GoField = 'string' | 'bool' | 'int64' | 'int' | 'float32';

/** A request body's first JSON value (parsed by the router); a syntax error is a 400 `bad request body: ...`. */
export function parseBody(parsed: ParseResult): unknown {
  if ('error' in parsed) throw ErrBadRequestBody(parsed.error);
  return parsed.value;
}

export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return 'number';
  switch (typeof value) {
    case 'object': return 'object';
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return typeof value;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^-?\d+$/;

function typeError(kind: string, where: string, goType: string): ApiError {
  return ErrBadRequestBody(`json: cannot unmarshal ${kind} into Go ${where} of type ${goType}`);
}

/** Is `value` a JSON object? null is "nothing to decode" (false); other kinds are an error. */
export function expectObject(value: unknown, goType: string): value is Record<string, unknown> {
  if (value === null || value === undefined) return false;
  if (jsonKind(value) !== 'object') throw typeError(jsonKind(value), 'value', goType);
  return true;
}

/**
 * Decode the fields of a JSON object into `into` (which holds the defaults).
 * `struct` names the Go struct in messages (e.g. "Proxy" -> "Go struct field Proxy.name").
 */
export function decodeFields(
  value: Record<string, unknown>,
  fields: Readonly<Record<string, GoField>>,
  into: Record<string, unknown>,
  struct: string,
): void {
  const byLower = new Map<string, string>();
  for (const name of Object.keys(fields)) byLower.set(name.toLowerCase(), name);
  let firstError: ApiError | null = null;
  for (const [key, raw] of Object.entries(value)) {
    const name = Object.prototype.hasOwnProperty.call(fields, key) ? key : byLower.get(key.toLowerCase());
    if (name === undefined || raw === null) continue;
    const type = fields[name];
    const where = `struct field ${struct}.${name}`;
    const kind = jsonKind(raw);
    if (kind === 'number' && (type === 'int' || type === 'int64' || type === 'float32')) {
      const number = toNumber(raw, type, `${struct}.${name}`);
      if (number instanceof ApiError) firstError ??= number;
      else into[name] = number;
      continue;
    }
    if ((type === 'string' && kind === 'string') || (type === 'bool' && kind === 'bool')) into[name] = raw;
    else firstError ??= typeError(kind, where, type);
  }
  if (firstError) throw firstError;
}

/** A JSON number for a Go numeric field, or the error Go (or this server) gives for it. */
function toNumber(raw: unknown, type: 'int' | 'int64' | 'float32', field: string): number | ApiError {
  const text = raw instanceof JsonNumber ? raw.text : String(raw);
  const refused = typeError(`number ${text}`, `struct field ${field}`, type);
  const value = Number(text);
  if (type === 'float32') return Number.isFinite(Math.fround(value)) ? value : refused;
  if (!INTEGER.test(text)) return refused;
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) return refused;
  if (!Number.isSafeInteger(value)) {
    return ErrBadRequestBody(
      `number ${text} for ${field} is beyond ±${Number.MAX_SAFE_INTEGER}, the largest integer this server keeps exactly`,
    );
  }
  return value;
}
