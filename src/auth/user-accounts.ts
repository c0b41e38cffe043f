/**
 * @module auth/user-accounts
 * Builtin users: one JSON file per user under `data/users/` in Dagu's format
 * (`{id, username, password_hash, role, created_at, updated_at}`, persistence/fileuser), so
 * Dagu and this build can share the folder. Logins check a bcrypt hash and return a JWT
 * (auth/jwt.ts); a token names its user by id, and the user is read again on every request,
 * so a deleted user's tokens stop working and a new role counts at once.
 */
import { JsonRecordDir } from "../store/json-record-dir.ts";
import { AlreadyExistsError, CannotDeleteSelfError, InvalidCredentialsError, InvalidInputError, NotFoundError, PasswordMismatchError, TokenInvalidError } from "./errors.ts";
import { signJwt, verifyJwt } from "./jwt.ts";
import { checkPasswordRules, generatePassword, hashPassword, hashPasswordSync, verifyNothing, verifyPassword } from "./password.ts";
import { isRole, type Role } from "./role.ts";

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  readonly role: Role;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

const maxUsernameLength = 64;

function toRecord(raw: unknown): UserRecord | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const { id, username, password_hash: hash, role, created_at: createdAt, updated_at: updatedAt } = r;
  if (typeof id !== "string" || typeof username !== "string" || typeof hash !== "string" || !isRole(role)) return undefined;
  return {
    id,
    username,
    passwordHash: hash,
    role,
    createdAt: typeof createdAt === "string" ? createdAt : new Date(0).toISOString(),
    updatedAt: typeof updatedAt === "string" ? updatedAt : new Date(0).toISOString(),
  };
}

function toStorage(u: UserRecord): Record<string, string> {
  return { id: u.id, username: u.username, password_hash: u.passwordHash, role: u.role, created_at: u.createdAt, updated_at: u.updatedAt };
}

export function checkUsername(username: string): void {
  if (username.trim() === "") throw new InvalidInputError("username: must not be empty");
  if (username.length > maxUsernameLength) throw new InvalidInputError(`username: must be at most ${maxUsernameLength} characters`);
  if (/[\u0000-\u001f\u007f]/.test(username)) throw new InvalidInputError("username: must not contain control characters");
}

export class UserAccounts {
  private readonly files: JsonRecordDir;

  constructor(
    usersDir: string,
    private readonly token: { readonly secret: string; readonly ttlSec: number },
  ) {
    this.files = new JsonRecordDir(usersDir);
  }

  list(): UserRecord[] {
    return this.files
      .list()
      .map(toRecord)
      .filter((u): u is UserRecord => u !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.username.localeCompare(b.username));
  }

  find(id: string): UserRecord | undefined {
    const u = toRecord(this.files.read(id));
    return u?.id === id ? u : undefined;
  }

  get(id: string): UserRecord {
    const u = this.find(id);
    if (!u) throw new NotFoundError("user not found");
    return u;
  }

  findByUsername(username: string): UserRecord | undefined {
    return this.list().find((u) => u.username === username);
  }

  async create(input: { readonly username: string; readonly password: string; readonly role: Role }): Promise<UserRecord> {
    checkUsername(input.username);
    checkPasswordRules(input.password);
    if (this.findByUsername(input.username)) throw new AlreadyExistsError("username already exists");
    const passwordHash = await hashPassword(input.password);
    return this.insert(input.username, passwordHash, input.role);
  }

  /** Checked again after the (slow) hash, with no await in between: no two users of one name. */
  private insert(username: string, passwordHash: string, role: Role): UserRecord {
    if (this.findByUsername(username)) throw new AlreadyExistsError("username already exists");
    const now = new Date().toISOString();
    const user: UserRecord = { id: crypto.randomUUID(), username, passwordHash, role, createdAt: now, updatedAt: now };
    this.files.write(user.id, toStorage(user));
    return user;
  }

  update(id: string, input: { readonly username?: string | undefined; readonly role?: Role | undefined }): UserRecord {
    const user = this.get(id);
    let username = user.username;
    if (input.username !== undefined && input.username !== "" && input.username !== user.username) {
      checkUsername(input.username);
      if (this.findByUsername(input.username)) throw new AlreadyExistsError("username already exists");
      username = input.username;
    }
    const next: UserRecord = { ...user, username, role: input.role ?? user.role, updatedAt: new Date().toISOString() };
    this.files.write(id, toStorage(next));
    return next;
  }

  delete(id: string, currentUserId: string): void {
    if (id === currentUserId) throw new CannotDeleteSelfError();
    if (!this.find(id) || !this.files.remove(id)) throw new NotFoundError("user not found");
  }

  private async setPassword(user: UserRecord, password: string): Promise<void> {
    checkPasswordRules(password);
    const passwordHash = await hashPassword(password);
    const latest = this.get(user.id);
    this.files.write(user.id, toStorage({ ...latest, passwordHash, updatedAt: new Date().toISOString() }));
  }

  async changePassword(id: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = this.get(id);
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new PasswordMismatchError();
    await this.setPassword(user, newPassword);
  }

  async resetPassword(id: string, newPassword: string): Promise<void> {
    await this.setPassword(this.get(id), newPassword);
  }

  /** The user with this name and password; InvalidCredentialsError otherwise, in equal time. */
  async authenticate(username: string, password: string): Promise<UserRecord> {
    const user = username === "" ? undefined : this.findByUsername(username);
    if (!user) {
      await verifyNothing(password);
      throw new InvalidCredentialsError();
    }
    if (!(await verifyPassword(password, user.passwordHash))) throw new InvalidCredentialsError();
    return user;
  }

  async issueToken(user: UserRecord, now: number = Date.now()): Promise<IssuedToken> {
    const expiresAt = new Date(now + this.token.ttlSec * 1000);
    const iat = Math.floor(now / 1000);
    const token = await signJwt(
      { sub: user.id, uid: user.id, username: user.username, role: user.role, iat, exp: Math.floor(expiresAt.getTime() / 1000) },
      this.token.secret,
    );
    return { token, expiresAt };
  }

  /** The user a login token belongs to; TokenInvalidError / TokenExpiredError otherwise. */
  async userFromToken(token: string): Promise<UserRecord> {
    const claims = await verifyJwt(token, this.token.secret);
    const user = this.find(claims.uid);
    if (!user) throw new TokenInvalidError();
    return user;
  }

  /**
   * With no user at all, create the admin (Dagu's EnsureAdminUser). Returns the password when
   * it was generated (the caller shows it once), "" when the configured one was used, and
   * undefined when users already existed.
   */
  ensureAdmin(username: string, password: string): string | undefined {
    if (this.list().length > 0) return undefined;
    checkUsername(username);
    const chosen = password === "" ? generatePassword() : password;
    checkPasswordRules(chosen);
    try {
      this.insert(username, hashPasswordSync(chosen), "admin");
    } catch (e) {
      if (e instanceof AlreadyExistsError) return undefined; // another process was first
      throw e;
    }
    return password === "" ? chosen : "";
  }
}
