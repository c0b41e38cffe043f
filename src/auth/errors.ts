/**
 * @module auth/errors
 * Typed errors of the auth module, after Dagu's (internal/auth/store.go, service/auth). The
 * server maps each class to an HTTP status; messages never contain a secret.
 */
import { DaguError } from "../core/errors.ts";

export class AuthError extends DaguError {
  override readonly name: string = "AuthError";
}

/** Wrong username or password (which one is never said). */
export class InvalidCredentialsError extends AuthError {
  override readonly name = "InvalidCredentialsError";
  constructor() {
    super("invalid username or password");
  }
}

/** A bearer token that is malformed, badly signed, or names a user who no longer exists. */
export class TokenInvalidError extends AuthError {
  override readonly name: string = "TokenInvalidError";
  constructor(message = "invalid or expired token") {
    super(message);
  }
}

export class TokenExpiredError extends TokenInvalidError {
  override readonly name = "TokenExpiredError";
  constructor() {
    super("token has expired; log in again");
  }
}

/** `changePassword` with a current password that does not match. */
export class PasswordMismatchError extends AuthError {
  override readonly name = "PasswordMismatchError";
  constructor() {
    super("current password is incorrect");
  }
}

/** A new password that breaks the rules (too short, too long). */
export class WeakPasswordError extends AuthError {
  override readonly name = "WeakPasswordError";
}

/** A field that is empty, too long or not one of the allowed values (username, role, name). */
export class InvalidInputError extends AuthError {
  override readonly name = "InvalidInputError";
}

export class NotFoundError extends AuthError {
  override readonly name = "NotFoundError";
}

/** A username or API key name that is taken. */
export class AlreadyExistsError extends AuthError {
  override readonly name = "AlreadyExistsError";
}

/** An admin deleting their own account. */
export class CannotDeleteSelfError extends AuthError {
  override readonly name = "CannotDeleteSelfError";
  constructor() {
    super("cannot delete your own account");
  }
}
