/**
 * @module server/auth-schemas
 * Schemas of the auth, user and API-key endpoints, named and shaped after Dagu 1.30's
 * OpenAPI components (api/v2/api.yaml: User, UserRole, LoginRequest, APIKey, ...).
 */
import { t } from "elysia";

export const UserRole = t.Union([t.Literal("admin"), t.Literal("manager"), t.Literal("operator"), t.Literal("viewer")], { $id: "UserRole" });

export const User = t.Object(
  { id: t.String(), username: t.String(), role: UserRole, createdAt: t.String({ format: "date-time" }), updatedAt: t.String({ format: "date-time" }) },
  { $id: "User" },
);

export const UserResponse = t.Object({ user: User }, { $id: "UserResponse" });
export const UsersListResponse = t.Object({ users: t.Array(User) }, { $id: "UsersListResponse" });
export const SuccessResponse = t.Object({ message: t.String() }, { $id: "SuccessResponse" });

export const LoginRequest = t.Object({ username: t.String({ minLength: 1 }), password: t.String({ minLength: 1 }) }, { $id: "LoginRequest" });
export const LoginResponse = t.Object({ token: t.String(), expiresAt: t.String({ format: "date-time" }), user: User }, { $id: "LoginResponse" });
export const ChangePasswordRequest = t.Object({ currentPassword: t.String({ minLength: 1 }), newPassword: t.String({ minLength: 8 }) }, { $id: "ChangePasswordRequest" });
export const ResetPasswordRequest = t.Object({ newPassword: t.String({ minLength: 8 }) }, { $id: "ResetPasswordRequest" });
export const CreateUserRequest = t.Object(
  { username: t.String({ minLength: 1, maxLength: 64 }), password: t.String({ minLength: 8 }), role: UserRole },
  { $id: "CreateUserRequest" },
);
export const UpdateUserRequest = t.Object({ username: t.Optional(t.String({ minLength: 1, maxLength: 64 })), role: t.Optional(UserRole) }, { $id: "UpdateUserRequest" });

export const ApiKey = t.Object(
  {
    id: t.String(),
    name: t.String(),
    description: t.Optional(t.String()),
    role: UserRole,
    keyPrefix: t.String(),
    createdAt: t.String({ format: "date-time" }),
    updatedAt: t.String({ format: "date-time" }),
    createdBy: t.String(),
    lastUsedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
  },
  { $id: "APIKey" },
);
export const ApiKeyResponse = t.Object({ apiKey: ApiKey }, { $id: "APIKeyResponse" });
export const ApiKeysListResponse = t.Object({ apiKeys: t.Array(ApiKey) }, { $id: "APIKeysListResponse" });
export const CreateApiKeyRequest = t.Object(
  { name: t.String({ minLength: 1, maxLength: 100 }), description: t.Optional(t.String({ maxLength: 500 })), role: UserRole },
  { $id: "CreateAPIKeyRequest" },
);
export const CreateApiKeyResponse = t.Object({ apiKey: ApiKey, key: t.String() }, { $id: "CreateAPIKeyResponse" });
export const UpdateApiKeyRequest = t.Object(
  { name: t.Optional(t.String({ minLength: 1, maxLength: 100 })), description: t.Optional(t.String({ maxLength: 500 })), role: t.Optional(UserRole) },
  { $id: "UpdateAPIKeyRequest" },
);

/** Path parameters. */
export const userIdParams = t.Object({ userId: t.String({ minLength: 1, maxLength: 128 }) });
export const keyIdParams = t.Object({ keyId: t.String({ minLength: 1, maxLength: 128 }) });
