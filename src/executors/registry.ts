/**
 * @module executors/registry
 * Step type → executor. Types are the names Dagu registers (core/executor-types.ts lists
 * what each accepts); implementations load lazily so a run pays only for what it uses.
 */
import type { Executor } from "./executor.ts";

type Loader = () => Promise<Executor>;

const commandExecutor: Loader = async () => new (await import("./command.ts")).CommandExecutor();

const subDagExecutor: Loader = async () => new (await import("./dag.ts")).SubDagExecutor();

const archiveExecutor: Loader = async () => new (await import("./archive.ts")).ArchiveExecutor();
const templateExecutor: Loader = async () => new (await import("./template.ts")).TemplateExecutor();
const routerExecutor: Loader = async () => new (await import("./router.ts")).RouterExecutor();

const loaders: Readonly<Record<string, Loader>> = {
  "": commandExecutor,
  shell: commandExecutor,
  command: commandExecutor,
  http: async () => new (await import("./http.ts")).HttpExecutor(),
  jq: async () => new (await import("./jq.ts")).JqExecutor(),
  archive: archiveExecutor,
  template: templateExecutor,
  router: routerExecutor,
  dag: subDagExecutor,
  subworkflow: subDagExecutor,
  parallel: subDagExecutor,
};

const cache = new Map<string, Promise<Executor>>();

/** The executor for a step type, or undefined when this build does not run that type yet. */
export function executorFor(type: string): Promise<Executor> | undefined {
  const load = loaders[type];
  if (!load) return undefined;
  let p = cache.get(type);
  if (!p) {
    p = load();
    cache.set(type, p);
  }
  return p;
}
