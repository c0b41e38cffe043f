/**
 * @module server/route-access
 * What each API operation needs, by operationId, as Dagu's handlers check it
 * (frontend/api/v2/*.go: `isAllowed(permission)` then `requireWrite` / `requireExecute` /
 * `requireAdmin`): a role level (auth/role.ts) and, for DAG changes and runs, the
 * `permissions.writeDAGs` / `permissions.runDAGs` switch of config.yaml, which holds for
 * everyone, whatever the auth mode. Operations not listed need `read` when they are GETs and
 * `write` otherwise, so a new mutating route is closed until it is listed here.
 */
import type { AccessLevel } from "../auth/role.ts";

export interface RouteAccess {
  readonly level: AccessLevel;
  readonly permission?: "writeDAGs" | "runDAGs";
}

const write: RouteAccess = { level: "write", permission: "writeDAGs" };
const run: RouteAccess = { level: "execute", permission: "runDAGs" };
const admin: RouteAccess = { level: "admin" };
const read: RouteAccess = { level: "read" };

const table: Readonly<Record<string, RouteAccess>> = {
  // DAG files
  createNewDAG: write,
  deleteDAG: write,
  updateDAGSpec: write,
  renameDAG: write,
  // Runs
  executeDAG: run,
  enqueueDAGDAGRun: run,
  updateDAGSuspensionState: run,
  stopAllDAGRuns: run,
  executeDAGRunFromSpec: run,
  enqueueDAGRunFromSpec: run,
  retryDAGRun: run,
  terminateDAGRun: run,
  dequeueDAGRun: run,
  rescheduleDAGRun: run,
  updateDAGRunStepStatus: run,
  updateSubDAGRunStepStatus: run,
  approveDAGRunStep: run,
  approveSubDAGRunStep: run,
  rejectDAGRunStep: run,
  rejectSubDAGRunStep: run,
  // Reading with a body
  validateDAGSpec: read,
  // Every signed-in principal: its own account
  login: read,
  getCurrentUser: read,
  changePassword: read,
  // Administration
  listUsers: admin,
  createUser: admin,
  getUser: admin,
  updateUser: admin,
  deleteUser: admin,
  resetUserPassword: admin,
  listAPIKeys: admin,
  createAPIKey: admin,
  getAPIKey: admin,
  updateAPIKey: admin,
  deleteAPIKey: admin,
};

export function routeAccess(operationId: string | undefined, method: string): RouteAccess {
  const listed = operationId === undefined ? undefined : table[operationId];
  if (listed) return listed;
  return method === "GET" || method === "HEAD" ? read : { level: "write" };
}

/** Whether an operation is listed (the tests check every mutating route is). */
export function isListed(operationId: string): boolean {
  return operationId in table;
}
