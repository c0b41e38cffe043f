/**
 * @module server/http-error
 * The one error class of the HTTP layer. Every 4xx/5xx body is Dagu's `Error` schema,
 * `{code, message}`, with one of Dagu's error codes; the message names the offending field.
 */

/** Dagu 1.30's `ErrorCode` values (api/v2/api.yaml). */
export type ErrorCode =
  | "forbidden"
  | "bad_request"
  | "not_found"
  | "internal_error"
  | "unauthorized"
  | "bad_gateway"
  | "remote_node_error"
  | "max_run_reached"
  | "not_running"
  | "already_exists";

export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  static badRequest(message: string): HttpError {
    return new HttpError(400, "bad_request", message);
  }

  static notFound(message: string): HttpError {
    return new HttpError(404, "not_found", message);
  }

  static conflict(message: string): HttpError {
    return new HttpError(409, "already_exists", message);
  }

  toBody(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
