/**
 * @module server/http-error
 * The one error class of the HTTP layer. Every 4xx/5xx body is Dagu's `Error` schema,
 * `{code, message}`, with one of Dagu's error codes; the message names the offending field.
 * Errors of the auth module become HttpErrors through `fromAuth`.
 */
import { AlreadyExistsError, type AuthError, CannotDeleteSelfError, InvalidCredentialsError, NotFoundError, PasswordMismatchError, TokenInvalidError } from "../auth/errors.ts";

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

  static unauthorized(message: string): HttpError {
    return new HttpError(401, "unauthorized", message);
  }

  static forbidden(message: string): HttpError {
    return new HttpError(403, "forbidden", message);
  }

  static conflict(message: string): HttpError {
    return new HttpError(409, "already_exists", message);
  }

  /** The status Dagu answers an auth failure with (frontend/api/v2/users.go, apikeys.go, auth.go). */
  static fromAuth(e: AuthError): HttpError {
    if (e instanceof NotFoundError) return HttpError.notFound(e.message);
    if (e instanceof AlreadyExistsError) return HttpError.conflict(e.message);
    if (e instanceof CannotDeleteSelfError) return HttpError.forbidden(e.message);
    if (e instanceof InvalidCredentialsError || e instanceof PasswordMismatchError || e instanceof TokenInvalidError) return HttpError.unauthorized(e.message);
    return HttpError.badRequest(e.message); // invalid input, weak password
  }

  toBody(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
