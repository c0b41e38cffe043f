/**
 * @module server/schemas
 * Request and response schemas of the REST API v2 as Elysia `t` (TypeBox) types, named after
 * Dagu 1.30's OpenAPI components. Requests are validated with them; responses are described
 * with them in our OpenAPI document (server/openapi.ts) and the generated client.
 */
import { type TSchema, t } from "elysia";

const open = { additionalProperties: true } as const;

export const ErrorBody = t.Object({ code: t.String(), message: t.String() }, { $id: "Error" });

export const Pagination = t.Object(
  { totalRecords: t.Integer(), currentPage: t.Integer(), totalPages: t.Integer(), nextPage: t.Integer(), prevPage: t.Integer() },
  { $id: "Pagination" },
);

export const Schedule = t.Object({ expression: t.String() });
export const CommandEntry = t.Object({ command: t.String(), args: t.Optional(t.Array(t.String())) });
export const Condition = t.Object({ condition: t.String(), expected: t.Optional(t.String()), negate: t.Optional(t.Boolean()) }, open);

export const Step = t.Object(
  {
    name: t.String(),
    id: t.Optional(t.String()),
    description: t.Optional(t.String()),
    dir: t.Optional(t.String()),
    commands: t.Optional(t.Array(CommandEntry)),
    script: t.Optional(t.String()),
    output: t.Optional(t.String()),
    call: t.Optional(t.String()),
    params: t.Optional(t.String()),
    depends: t.Optional(t.Array(t.String())),
    mailOnError: t.Optional(t.Boolean()),
    preconditions: t.Optional(t.Array(Condition)),
    timeoutSec: t.Optional(t.Integer()),
    executorConfig: t.Optional(t.Object({ type: t.Optional(t.String()), config: t.Optional(t.Record(t.String(), t.Unknown())) })),
  },
  { ...open, $id: "Step" },
);

export const Dag = t.Object(
  {
    name: t.String(),
    group: t.Optional(t.String()),
    description: t.Optional(t.String()),
    schedule: t.Optional(t.Array(Schedule)),
    params: t.Optional(t.Array(t.String())),
    defaultParams: t.Optional(t.String()),
    tags: t.Optional(t.Array(t.String())),
  },
  { ...open, $id: "DAG" },
);

export const DagDetails = t.Object(
  {
    name: t.String(),
    group: t.Optional(t.String()),
    description: t.Optional(t.String()),
    schedule: t.Optional(t.Array(Schedule)),
    env: t.Optional(t.Array(t.String())),
    logDir: t.Optional(t.String()),
    steps: t.Optional(t.Array(Step)),
    delay: t.Optional(t.Integer()),
    histRetentionDays: t.Optional(t.Integer()),
    preconditions: t.Optional(t.Array(Condition)),
    maxActiveRuns: t.Optional(t.Integer()),
    maxActiveSteps: t.Optional(t.Integer()),
    queue: t.Optional(t.String()),
    params: t.Optional(t.Array(t.String())),
    defaultParams: t.Optional(t.String()),
    tags: t.Optional(t.Array(t.String())),
  },
  { ...open, $id: "DAGDetails" },
);

const summaryFields = {
  rootDAGRunName: t.String(),
  rootDAGRunId: t.String(),
  parentDAGRunName: t.Optional(t.String()),
  parentDAGRunId: t.Optional(t.String()),
  dagRunId: t.String(),
  name: t.String(),
  status: t.Integer({ minimum: 0, maximum: 8 }),
  statusLabel: t.String(),
  queuedAt: t.Optional(t.String()),
  startedAt: t.String(),
  finishedAt: t.String(),
  log: t.String(),
  params: t.Optional(t.String()),
  workerId: t.Optional(t.String()),
};

export const RunSummary = t.Object(summaryFields, { ...open, $id: "DAGRunSummary" });

export const Node = t.Object(
  {
    step: Step,
    stdout: t.String(),
    stderr: t.String(),
    startedAt: t.String(),
    finishedAt: t.String(),
    status: t.Integer(),
    statusLabel: t.String(),
    retryCount: t.Integer(),
    doneCount: t.Integer(),
    error: t.Optional(t.String()),
    subRuns: t.Optional(t.Array(t.Object({ dagRunId: t.String(), params: t.Optional(t.String()) }))),
    exitCode: t.Optional(t.Integer({ description: "Exit code of the step once it has ended (not in Dagu 1.30.2's API)" })),
  },
  { ...open, $id: "Node" },
);

export const RunDetails = t.Object(
  {
    ...summaryFields,
    nodes: t.Array(Node),
    onExit: t.Optional(Node),
    onSuccess: t.Optional(Node),
    onFailure: t.Optional(Node),
    onCancel: t.Optional(Node),
    preconditions: t.Optional(t.Array(Condition)),
  },
  { ...open, $id: "DAGRunDetails" },
);

export const LogBody = t.Object(
  { content: t.String(), lineCount: t.Optional(t.Integer()), totalLines: t.Optional(t.Integer()), hasMore: t.Optional(t.Boolean()), isEstimate: t.Optional(t.Boolean()) },
  { $id: "Log" },
);

export const DagFile = t.Object(
  { fileName: t.String(), dag: Dag, latestDAGRun: RunSummary, suspended: t.Boolean(), errors: t.Array(t.String()) },
  { $id: "DAGFile" },
);

export const LocalDag = t.Object({ name: t.String(), dag: t.Optional(DagDetails), errors: t.Array(t.String()) });

export const SubRunDetail = t.Object({
  dagRunId: t.String(),
  params: t.Optional(t.String()),
  status: t.Integer(),
  statusLabel: t.String(),
  startedAt: t.String(),
  finishedAt: t.Optional(t.String()),
});

export const QueueEntry = t.Object({
  name: t.String(),
  type: t.Union([t.Literal("global"), t.Literal("dag-based")]),
  maxConcurrency: t.Optional(t.Integer()),
  running: t.Array(RunSummary),
  queued: t.Array(RunSummary),
});

/** Path and query parameters, with Dagu's patterns. */
export const fileNameParam = t.String({ minLength: 1, maxLength: 255 });
export const dagRunIdPattern = "^[a-zA-Z0-9_-]+$";
export const DagRunId = t.String({ pattern: dagRunIdPattern, maxLength: 128 });

export const pageQuery = {
  page: t.Optional(t.Integer({ minimum: 1 })),
  perPage: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
  remoteNode: t.Optional(t.String()),
};

export const logQuery = t.Object({
  tail: t.Optional(t.Integer({ minimum: 1 })),
  head: t.Optional(t.Integer({ minimum: 1 })),
  offset: t.Optional(t.Integer({ minimum: 1 })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 10000 })),
  stream: t.Optional(t.Union([t.Literal("stdout"), t.Literal("stderr")])),
  remoteNode: t.Optional(t.String()),
});

export const runListQuery = t.Object({
  status: t.Optional(t.Integer({ minimum: 0, maximum: 8 })),
  fromDate: t.Optional(t.Integer()),
  toDate: t.Optional(t.Integer()),
  dagRunId: t.Optional(t.String({ maxLength: 128 })),
  name: t.Optional(t.String({ maxLength: 255 })),
  remoteNode: t.Optional(t.String()),
  /** Ours: cap the number of runs (Dagu returns up to 1000). */
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
});

/** OpenAPI response map for `detail.responses`: status → schema. */
export function responses(ok: TSchema | undefined, okStatus = 200, more: readonly number[] = []): Record<string, { description: string; content?: Record<string, { schema: TSchema }> }> {
  const out: Record<string, { description: string; content?: Record<string, { schema: TSchema }> }> = {
    [String(okStatus)]: ok ? { description: "A successful response", content: { "application/json": { schema: ok } } } : { description: "A successful response" },
  };
  for (const s of more) out[String(s)] = { description: "Error", content: { "application/json": { schema: ErrorBody } } };
  out["default"] = { description: "Generic error response", content: { "application/json": { schema: ErrorBody } } };
  return out;
}
