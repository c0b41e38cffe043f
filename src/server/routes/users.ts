/**
 * @module server/routes/users
 * `/users…` (builtin mode, admins only; server/route-access.ts): list, create, get, update
 * (username, role), delete (not oneself), and reset a password — Dagu 1.30's paths and shapes
 * (frontend/api/v2/users.go). Other modes answer 401 "user management is not enabled", as
 * Dagu does.
 */
import { Elysia } from "elysia";
import type { Principal } from "../../auth/principal.ts";
import type { UserAccounts } from "../../auth/user-accounts.ts";
import * as A from "../auth-schemas.ts";
import type { ServerContext } from "../context.ts";
import { HttpError } from "../http-error.ts";
import { responses } from "../schemas.ts";

/** A user as the API shows it: never the password hash. */
export function toApiUser(u: Pick<Principal, "id" | "username" | "role" | "createdAt" | "updatedAt">): {
  id: string;
  username: string;
  role: Principal["role"];
  createdAt: string;
  updatedAt: string;
} {
  return { id: u.id, username: u.username, role: u.role, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

export function userRoutes(ctx: ServerContext, principalOf: (r: Request) => Principal | undefined) {
  const accounts = (): UserAccounts => {
    const a = ctx.auth.accounts;
    if (!a) throw HttpError.unauthorized("user management is not enabled (it needs auth.mode: builtin)");
    return a;
  };
  const detail = (operationId: string, ok: Parameters<typeof responses>[0], status = 200, more: readonly number[] = []) => ({
    operationId,
    tags: ["users"],
    responses: responses(ok, status, [401, 403, ...more]),
  });

  return new Elysia({ name: "users" })
    .get("/users", () => ({ users: accounts().list().map(toApiUser) }), { detail: detail("listUsers", A.UsersListResponse) })
    .post(
      "/users",
      async ({ body, request, set }) => {
        const user = await accounts().create(body);
        ctx.log("info", "user created", { username: user.username, role: user.role, by: principalOf(request)?.username ?? "" });
        set.status = 201;
        return { user: toApiUser(user) };
      },
      { body: A.CreateUserRequest, detail: detail("createUser", A.UserResponse, 201, [400, 409]) },
    )
    .get("/users/:userId", ({ params }) => ({ user: toApiUser(accounts().get(params.userId)) }), {
      params: A.userIdParams,
      detail: detail("getUser", A.UserResponse, 200, [404]),
    })
    .patch(
      "/users/:userId",
      ({ params, body }) => {
        const user = accounts().update(params.userId, body);
        ctx.log("info", "user updated", { username: user.username, role: user.role });
        return { user: toApiUser(user) };
      },
      { params: A.userIdParams, body: A.UpdateUserRequest, detail: detail("updateUser", A.UserResponse, 200, [400, 404, 409]) },
    )
    .delete(
      "/users/:userId",
      ({ params, request, set }) => {
        const me = principalOf(request);
        if (!me) throw HttpError.unauthorized("not authenticated");
        accounts().delete(params.userId, me.id);
        ctx.log("info", "user deleted", { userId: params.userId, by: me.username });
        set.status = 204;
        return "";
      },
      { params: A.userIdParams, detail: detail("deleteUser", undefined, 204, [404]) },
    )
    .post(
      "/users/:userId/reset-password",
      async ({ params, body }) => {
        await accounts().resetPassword(params.userId, body.newPassword);
        ctx.log("info", "password reset", { userId: params.userId });
        return { message: "Password reset successfully" };
      },
      { params: A.userIdParams, body: A.ResetPasswordRequest, detail: detail("resetUserPassword", A.SuccessResponse, 200, [400, 404]) },
    );
}
