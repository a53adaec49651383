/** API errors of the Toxiproxy HTTP API: the real server's messages and status codes. */

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ApiError';
  }

  /** The real server's body: `{"error":"<message>","status":<code>}`. */
  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

export const ErrBadRequestBody = (detail: string) => new ApiError(`bad request body: ${detail}`, 400);
export const ErrMissingField = (field: string) => new ApiError(`missing required field: ${field}`, 400);
export const ErrProxyNotFound = () => new ApiError('proxy not found', 404);
export const ErrProxyAlreadyExists = () => new ApiError('proxy already exists', 409);
export const ErrInvalidStream = () => new ApiError('stream was invalid, can be either upstream or downstream', 400);
export const ErrInvalidToxicType = () => new ApiError('invalid toxic type', 400);
export const ErrToxicAlreadyExists = () => new ApiError('toxic already exists', 409);
export const ErrToxicNotFound = () => new ApiError('toxic not found', 404);

/** Any other failure (e.g. a listen error) is a 500 carrying the error's own message, as in the real server. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(err instanceof Error ? err.message : String(err), 500);
}
