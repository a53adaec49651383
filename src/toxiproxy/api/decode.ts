/**
 * JSON request bodies decoded the way the real server's Go decoder does: null and missing
 * fields leave defaults alone, keys match case-insensitively, unknown keys are ignored, and
 * type mismatches give Go's messages ("json: cannot unmarshal ... into Go struct field ...").
 */
import { ApiError, ErrBadRequestBody } from '../errors.ts';
import { scanFirstValue } from './json-scan.ts';

export type GoField = 'string' | 'bool' | 'int64' | 'int' | 'float32';

/** Parse a request body (its first JSON value); every failure is a 400 `bad request body: ...`. */
export function parseBody(text: string): unknown {
  const scan = scanFirstValue(text);
  if ('error' in scan) throw ErrBadRequestBody(scan.error);
  return JSON.parse(text.slice(0, scan.end));
}

export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'object': return 'object';
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return typeof value;
  }
}

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
    let ok = false;
    switch (type) {
      case 'string': ok = kind === 'string'; break;
      case 'bool': ok = kind === 'bool'; break;
      case 'float32': ok = kind === 'number'; break;
      case 'int':
      case 'int64':
        if (kind === 'number' && !Number.isInteger(raw)) {
          firstError ??= typeError(`number ${String(raw)}`, where, type);
          continue;
        }
        ok = kind === 'number';
        break;
    }
    if (ok) into[name] = raw;
    else firstError ??= typeError(kind, where, type);
  }
  if (firstError) throw firstError;
}
