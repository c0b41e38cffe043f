/**
 * @module server/routes/dags
 * `/dags…`: list (name/tag filters, sort, pagination), search, tags, validate, create,
 * details, spec get/put (problems with line and column), delete, rename, suspend/resume,
 * start, stop-all, and a DAG's run history — Dagu 1.30's paths, params and shapes.
 */
import { Elysia, t } from "elysia";
import { nextFireTime } from "../../scheduler/cron-times.ts";
import type { ServerContext } from "../context.ts";
import { checkFileName, type DagFileEntry, defaultSpec, formatIssue, specError } from "../dag-catalog.ts";
import { HttpError } from "../http-error.ts";
import { enqueue, type StartRequest, startRun, stopOne } from "../run-actions.ts";
import * as S from "../schemas.ts";
import { cachedSummary, emptyRunDetails, emptyRunSummary, type JsonObject, listMaxAgeMs, toDagDetails, toDagSummary, toRunDetails } from "../transform.ts";

function latestSummary(ctx: ServerContext, e: DagFileEntry): JsonObject {
  const latest = ctx.runs.latest(e.name, listMaxAgeMs);
  return latest ? cachedSummary(latest.record) : emptyRunSummary(e.dag, e.name);
}

function dagListItem(ctx: ServerContext, e: DagFileEntry): JsonObject {
  return {
    fileName: e.fileName,
    dag: e.dag ? toDagSummary(e.dag) : { name: e.name },
    latestDAGRun: latestSummary(ctx, e),
    suspended: ctx.dags.isSuspended(e.fileName),
    errors: [...e.errors],
  };
}

function paginate<T>(items: readonly T[], page: number, perPage: number): { slice: T[]; pagination: JsonObject } {
  const totalRecords = items.length;
  const totalPages = Math.max(1, Math.ceil(totalRecords / perPage));
  const current = Math.min(Math.max(1, page), totalPages);
  const slice = items.slice((current - 1) * perPage, current * perPage);
  return {
    slice,
    pagination: {
      totalRecords,
      currentPage: current,
      totalPages,
      nextPage: current < totalPages ? current + 1 : current,
      prevPage: current > 1 ? current - 1 : current,
    },
  };
}

/** Lines around each match, as Dagu's grep: the match plus 2 lines of context. */
function grep(text: string, q: string): { line: string; lineNumber: number; startLine: number }[] {
  const lines = text.split("\n");
  const needle = q.toLowerCase();
  const out: { line: string; lineNumber: number; startLine: number }[] = [];
  let lastEnd = -1;
  lines.forEach((l, i) => {
    if (!l.toLowerCase().includes(needle) || i <= lastEnd) return;
    const start = Math.max(0, i - 2);
    const end = Math.min(lines.length - 1, i + 2);
    out.push({ line: lines.slice(start, end + 1).join("\n"), lineNumber: i + 1, startLine: start + 1 });
    lastEnd = end;
  });
  return out;
}

/** What a start or enqueue request body asks for, against a DAG file that must load. */
function runRequest(
  ctx: ServerContext,
  fileName: string,
  body: { readonly params?: string; readonly dagRunId?: string; readonly dagName?: string; readonly singleton?: boolean } | null | undefined,
): StartRequest {
  const e = ctx.dags.mustGet(fileName);
  if (!e.dag) throw HttpError.badRequest(`fileName: DAG ${fileName} has errors: ${e.errors.join("; ")}`);
  return {
    file: e.path,
    dagName: e.name,
    ...(body?.params !== undefined ? { params: body.params } : {}),
    ...(body?.dagRunId !== undefined ? { runId: body.dagRunId } : {}),
    ...(body?.dagName ? { nameOverride: checkFileName(body.dagName, "dagName") } : {}),
    ...(body?.singleton ? { singleton: true } : {}),
  };
}

export function dagRoutes(ctx: ServerContext) {
  const fileParams = t.Object({ fileName: S.fileNameParam });
  return new Elysia({ name: "dags" })
    .get(
      "/dags",
      ({ query }) => {
        const perPage = query.perPage ?? 50;
        const nameQ = query.name?.toLowerCase();
        const tagQ = query.tag?.toLowerCase();
        const desc = query.order === "desc" ? -1 : 1;
        const byName = (a: { name: string }, b: { name: string }): number =>
          a.name.toLowerCase() < b.name.toLowerCase() ? -desc : a.name.toLowerCase() > b.name.toLowerCase() ? desc : 0;
        if (!tagQ && query.sort !== "nextRun") {
          // By name, no tag filter: sort names read without parsing, parse only the page.
          let names = ctx.dags.names(listMaxAgeMs);
          if (nameQ) names = names.filter((e) => e.name.toLowerCase().includes(nameQ) || e.fileName.toLowerCase().includes(nameQ));
          names.sort(byName);
          const { slice, pagination } = paginate(names, query.page ?? 1, perPage);
          const page = slice.flatMap((n) => {
            const e = ctx.dags.get(n.fileName, listMaxAgeMs);
            return e ? [dagListItem(ctx, e)] : [];
          });
          return { dags: page, errors: [], pagination };
        }
        let entries = ctx.dags.all(listMaxAgeMs);
        if (nameQ) entries = entries.filter((e) => e.name.toLowerCase().includes(nameQ) || e.fileName.toLowerCase().includes(nameQ));
        if (tagQ) entries = entries.filter((e) => (e.dag?.tags ?? []).some((tag) => tag.toLowerCase() === tagQ));
        if (query.sort === "nextRun") {
          const now = Date.now();
          const next = new Map(entries.map((e) => [e.fileName, e.dag ? (nextFireTime(e.dag.schedule, now) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY]));
          entries.sort((a, b) => {
            const na = next.get(a.fileName) as number;
            const nb = next.get(b.fileName) as number;
            if (na === nb) return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1;
            if (na === Number.POSITIVE_INFINITY) return 1;
            if (nb === Number.POSITIVE_INFINITY) return -1;
            return (na - nb) * desc;
          });
        } else {
          entries.sort(byName);
        }
        const { slice, pagination } = paginate(entries, query.page ?? 1, perPage);
        return { dags: slice.map((e) => dagListItem(ctx, e)), errors: [], pagination };
      },
      {
        query: t.Object({
          ...S.pageQuery,
          name: t.Optional(t.String({ maxLength: 255 })),
          tag: t.Optional(t.String({ maxLength: 255 })),
          sort: t.Optional(t.Union([t.Literal("name"), t.Literal("nextRun")])),
          order: t.Optional(t.Union([t.Literal("asc"), t.Literal("desc")])),
        }),
        detail: { operationId: "listDAGs", tags: ["dags"], responses: S.responses(t.Object({ dags: t.Array(S.DagFile), errors: t.Array(t.String()), pagination: S.Pagination })) },
      },
    )
    .post(
      "/dags",
      ({ body, set }) => {
        const name = checkFileName(body.name, "name");
        const spec = body.spec ?? defaultSpec;
        if (body.spec !== undefined) {
          const { issues } = ctx.dags.parse(spec, ctx.dags.pathFor(name));
          if (issues.length > 0) throw specError(issues);
        }
        ctx.dags.create(name, spec);
        set.status = 201;
        return { name };
      },
      {
        body: t.Object({ name: t.String({ maxLength: 255 }), spec: t.Optional(t.String()) }),
        detail: { operationId: "createNewDAG", tags: ["dags"], responses: S.responses(t.Object({ name: t.String() }), 201, [400, 409]) },
      },
    )
    .post(
      "/dags/validate",
      ({ body }) => {
        const name = body.name ? checkFileName(body.name, "name") : "validated-dag";
        const { dag, issues } = ctx.dags.parse(body.spec, ctx.dags.pathFor(name), body.name);
        const errors = issues.map(formatIssue);
        return { valid: errors.length === 0, ...(dag ? { dag: toDagDetails(dag, { asLoaded: false }) } : {}), errors };
      },
      {
        body: t.Object({ spec: t.String(), name: t.Optional(t.String({ maxLength: 255 })) }),
        detail: { operationId: "validateDAGSpec", tags: ["dags"], responses: S.responses(t.Object({ valid: t.Boolean(), dag: t.Optional(S.DagDetails), errors: t.Array(t.String()) })) },
      },
    )
    .get(
      "/dags/search",
      ({ query }) => {
        const results = ctx.dags
          .all()
          .map((e) => ({ e, matches: grep(e.text, query.q) }))
          .filter((r) => r.matches.length > 0)
          .map(({ e, matches }) => ({ name: e.fileName, dag: e.dag ? toDagSummary(e.dag) : { name: e.name }, matches }));
        return { results, errors: [] };
      },
      {
        query: t.Object({ q: t.String({ minLength: 1, maxLength: 1000 }), remoteNode: t.Optional(t.String()) }),
        detail: {
          operationId: "searchDAGs",
          tags: ["dags"],
          responses: S.responses(
            t.Object({
              results: t.Array(t.Object({ name: t.String(), dag: S.Dag, matches: t.Array(t.Object({ line: t.String(), lineNumber: t.Integer(), startLine: t.Integer() })) })),
              errors: t.Array(t.String()),
            }),
          ),
        },
      },
    )
    .get(
      "/dags/tags",
      () => {
        const tags = new Set<string>();
        for (const e of ctx.dags.all()) for (const tag of e.dag?.tags ?? []) tags.add(tag);
        return { tags: [...tags].sort(), errors: [] };
      },
      { detail: { operationId: "getAllDAGTags", tags: ["dags"], responses: S.responses(t.Object({ tags: t.Array(t.String()), errors: t.Array(t.String()) })) } },
    )
    .get(
      "/dags/:fileName",
      ({ params }) => {
        const e = ctx.dags.mustGet(params.fileName);
        const latest = ctx.runs.latest(e.name);
        const localDags = Object.values(e.dag?.localDags ?? {}).map((d) => ({ name: d.name, dag: toDagDetails(d), errors: [] }));
        const next = e.dag && e.dag.schedule.length > 0 ? nextFireTime(e.dag.schedule, Date.now()) : undefined;
        return {
          dag: e.dag ? toDagDetails(e.dag) : { name: e.name },
          localDags,
          latestDAGRun: latest ? toRunDetails(latest.record) : emptyRunDetails(e.dag, e.name),
          suspended: ctx.dags.isSuspended(e.fileName),
          errors: [...e.errors],
          // Not in Dagu's API (its UI computes it): the next scheduled start, for the DAG page.
          ...(next !== undefined ? { nextRun: new Date(next).toISOString() } : {}),
        };
      },
      {
        params: fileParams,
        detail: {
          operationId: "getDAGDetails",
          tags: ["dags"],
          responses: S.responses(t.Object({ dag: t.Optional(S.DagDetails), localDags: t.Array(S.LocalDag), latestDAGRun: S.RunDetails, suspended: t.Boolean(), errors: t.Array(t.String()), nextRun: t.Optional(t.String()) }), 200, [404]),
        },
      },
    )
    .delete(
      "/dags/:fileName",
      ({ params, set }) => {
        ctx.dags.remove(params.fileName);
        set.status = 204;
        return "";
      },
      { params: fileParams, detail: { operationId: "deleteDAG", tags: ["dags"], responses: S.responses(undefined, 204, [404]) } },
    )
    .get(
      "/dags/:fileName/spec",
      ({ params }) => {
        const e = ctx.dags.mustGet(params.fileName);
        return { ...(e.dag ? { dag: toDagDetails(e.dag, { asLoaded: false }) } : {}), spec: e.text, errors: [...e.errors] };
      },
      {
        params: fileParams,
        detail: { operationId: "getDAGSpec", tags: ["dags"], responses: S.responses(t.Object({ dag: t.Optional(S.DagDetails), spec: t.String(), errors: t.Array(t.String()) }), 200, [404]) },
      },
    )
    .put(
      "/dags/:fileName/spec",
      ({ params, body }) => {
        const e = ctx.dags.mustGet(params.fileName);
        const { issues } = ctx.dags.parse(body.spec, e.path);
        // As Dagu: the spec is saved, and its problems are returned (with line and column).
        ctx.dags.writeSpec(params.fileName, body.spec);
        return { errors: issues.map(formatIssue) };
      },
      {
        params: fileParams,
        body: t.Object({ spec: t.String() }),
        detail: { operationId: "updateDAGSpec", tags: ["dags"], responses: S.responses(t.Object({ errors: t.Array(t.String()) }), 200, [404]) },
      },
    )
    .post(
      "/dags/:fileName/suspend",
      ({ params, body }) => {
        ctx.dags.mustGet(params.fileName);
        ctx.dags.setSuspended(params.fileName, body.suspend);
        return "";
      },
      {
        params: fileParams,
        body: t.Object({ suspend: t.Boolean() }),
        detail: { operationId: "updateDAGSuspensionState", tags: ["dags"], responses: S.responses(undefined, 200, [404]) },
      },
    )
    .post(
      "/dags/:fileName/rename",
      ({ params, body }) => {
        ctx.dags.rename(params.fileName, body.newFileName);
        return "";
      },
      {
        params: fileParams,
        body: t.Object({ newFileName: t.String({ maxLength: 255 }) }),
        detail: { operationId: "renameDAG", tags: ["dags"], responses: S.responses(undefined, 200, [400, 404, 409]) },
      },
    )
    .post(
      "/dags/:fileName/start",
      async ({ params, body }) => {
        const dagRunId = await startRun(ctx, runRequest(ctx, params.fileName, body));
        return { dagRunId };
      },
      {
        params: fileParams,
        body: t.Optional(
          t.Object({
            params: t.Optional(t.String({ maxLength: 65536 })),
            dagRunId: t.Optional(S.DagRunId),
            dagName: t.Optional(t.String({ maxLength: 255 })),
            singleton: t.Optional(t.Boolean()),
          }),
        ),
        detail: { operationId: "executeDAG", tags: ["dags"], responses: S.responses(t.Object({ dagRunId: t.String() }), 200, [400, 404, 409]) },
      },
    )
    .post(
      "/dags/:fileName/enqueue",
      async ({ params, body }) => {
        const dagRunId = await enqueue(ctx, {
          ...runRequest(ctx, params.fileName, body),
          ...(body?.queue ? { queue: checkFileName(body.queue, "queue") } : {}),
        });
        return { dagRunId };
      },
      {
        params: fileParams,
        body: t.Optional(
          t.Object({
            params: t.Optional(t.String({ maxLength: 65536 })),
            dagRunId: t.Optional(S.DagRunId),
            dagName: t.Optional(t.String({ maxLength: 255 })),
            queue: t.Optional(t.String({ maxLength: 255 })),
            singleton: t.Optional(t.Boolean()),
          }),
        ),
        detail: { operationId: "enqueueDAGDAGRun", tags: ["dags"], responses: S.responses(t.Object({ dagRunId: t.String() }), 200, [400, 404, 409]) },
      },
    )
    .post(
      "/dags/:fileName/stop-all",
      async ({ params }) => {
        const e = ctx.dags.mustGet(params.fileName);
        const errors: string[] = [];
        for (const run of ctx.runs.runsOf(e.name).slice(0, 50)) {
          const r = ctx.runs.read(run);
          if (!r || r.dead || r.record.status !== 1) continue;
          try {
            await stopOne(ctx, e.name, run.runId);
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
        return { errors };
      },
      { params: fileParams, detail: { operationId: "stopAllDAGRuns", tags: ["dags"], responses: S.responses(t.Object({ errors: t.Array(t.String()) }), 200, [404]) } },
    )
    .get(
      "/dags/:fileName/dag-runs",
      ({ params }) => {
        const e = ctx.dags.mustGet(params.fileName);
        const runs = ctx.runs.runsOf(e.name).slice(0, 30);
        const records = runs.map((r) => ctx.runs.read(r)?.record).filter((r) => r !== undefined);
        // Grid: one row per step, statuses oldest → newest, as Dagu's history grid.
        const oldestFirst = [...records].reverse();
        const stepNames = e.dag ? e.dag.steps.map((s) => s.name) : [...new Set(records.flatMap((r) => r.nodes.map((n) => n.step.name)))];
        const gridData = stepNames.map((name) => ({ name, history: oldestFirst.map((r) => r.nodes.find((n) => n.step.name === name)?.status ?? 0) }));
        return { dagRuns: records.map(toRunDetails), gridData };
      },
      {
        params: fileParams,
        detail: {
          operationId: "getDAGDAGRunHistory",
          tags: ["dags"],
          responses: S.responses(t.Object({ dagRuns: t.Array(S.RunDetails), gridData: t.Array(t.Object({ name: t.String(), history: t.Array(t.Integer()) })) }), 200, [404]),
        },
      },
    )
    .get(
      "/dags/:fileName/dag-runs/:dagRunId",
      ({ params }) => {
        const e = ctx.dags.mustGet(params.fileName);
        const found = params.dagRunId === "latest" ? ctx.runs.latest(e.name)?.run : ctx.runs.findRun(e.name, params.dagRunId);
        const r = found ? ctx.runs.read(found) : undefined;
        if (!r) throw HttpError.notFound(`dag-run ID ${params.dagRunId} not found for DAG ${e.name}`);
        return { dagRun: toRunDetails(r.record) };
      },
      {
        params: t.Object({ fileName: S.fileNameParam, dagRunId: S.DagRunId }),
        detail: { operationId: "getDAGDAGRunDetails", tags: ["dags"], responses: S.responses(t.Object({ dagRun: S.RunDetails }), 200, [404]) },
      },
    );
}
