/**
 * @module server/routes/auth
 * `/auth/login` (username + password → JWT; the one API route besides /health open to
 * anonymous callers), `/auth/me` (who the credentials belong to, in any mode) and
 * `/auth/change-password` (a builtin user's own) — Dagu 1.30's shapes
 * (frontend/api/v2/auth.go). Passwords and tokens are never logged.
 */
import { Elysia } from "elysia";
import { InvalidCredentialsError } from "../../auth/errors.ts";
import type { Principal } from "../../auth/principal.ts";
import * as A from "../auth-schemas.ts";
import type { ServerContext } from "../context.ts";
import { HttpError } from "../http-error.ts";
import { responses } from "../schemas.ts";
import { toApiUser } from "./users.ts";

export function authRoutes(ctx: ServerContext, principalOf: (r: Request) => Principal | undefined) {
  return new Elysia({ name: "auth" })
    .post(
      "/auth/login",
      async ({ body }) => {
        const accounts = ctx.auth.accounts;
        if (!accounts) throw HttpError.unauthorized("authentication is not enabled (login needs auth.mode: builtin)");
        let user;
        try {
          user = await accounts.authenticate(body.username, body.password);
        } catch (e) {
          if (e instanceof InvalidCredentialsError) ctx.log("warn", "login failed", { username: body.username.slice(0, 64) });
          throw e;
        }
        const issued = await accounts.issueToken(user);
        ctx.log("info", "user logged in", { username: user.username });
        return { token: issued.token, expiresAt: issued.expiresAt.toISOString(), user: toApiUser(user) };
      },
      { body: A.LoginRequest, detail: { operationId: "login", tags: ["auth"], responses: responses(A.LoginResponse, 200, [401]) } },
    )
    .get(
      "/auth/me",
      ({ request }) => {
        const me = principalOf(request);
        if (!me) throw HttpError.unauthorized("not authenticated (no auth mode is on)");
        return { user: toApiUser(me) };
      },
      { detail: { operationId: "getCurrentUser", tags: ["auth"], responses: responses(A.UserResponse, 200, [401]) } },
    )
    .post(
      "/auth/change-password",
      async ({ body, request }) => {
        const accounts = ctx.auth.accounts;
        if (!accounts) throw HttpError.unauthorized("authentication is not enabled (passwords need auth.mode: builtin)");
        const me = principalOf(request);
        if (!me) throw HttpError.unauthorized("not authenticated");
        if (me.kind !== "user") throw HttpError.badRequest(`${me.username} is not a user account and has no password`);
        await accounts.changePassword(me.id, body.currentPassword, body.newPassword);
        ctx.log("info", "password changed", { username: me.username });
        return { message: "Password changed successfully" };
      },
      { body: A.ChangePasswordRequest, detail: { operationId: "changePassword", tags: ["auth"], responses: responses(A.SuccessResponse, 200, [400, 401]) } },
    );
}
