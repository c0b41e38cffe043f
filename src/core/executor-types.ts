/**
 * @module core/executor-types
 * Which step fields each executor type accepts, as Dagu 1.30 declares them. The spec
 * validator reads this table; `executors/` registers the implementations under the same names.
 */

export interface ExecutorCapabilities {
  readonly command: boolean;
  readonly multipleCommands: boolean;
  readonly script: boolean;
  readonly shell: boolean;
  readonly container: boolean;
  readonly subDag: boolean;
  readonly workerSelector: boolean;
  readonly llm: boolean;
  /** A step of this type must give a command, a script or a `call`. */
  readonly requiresCommand: boolean;
}

const none: ExecutorCapabilities = {
  command: false,
  multipleCommands: false,
  script: false,
  shell: false,
  container: false,
  subDag: false,
  workerSelector: false,
  llm: false,
  requiresCommand: false,
};

const shellCaps = { ...none, command: true, multipleCommands: true, script: true, shell: true, requiresCommand: true };
const dockerCaps = { ...none, command: true, multipleCommands: true, container: true };
const subDagCaps = { ...none, subDag: true, workerSelector: true };
const ghaCaps = { ...none, command: true };

export const executorCapabilities: Readonly<Record<string, ExecutorCapabilities>> = {
  "": shellCaps,
  shell: shellCaps,
  command: shellCaps,
  docker: dockerCaps,
  container: dockerCaps,
  ssh: { ...none, command: true, multipleCommands: true, shell: true },
  http: { ...none, command: true, script: true },
  jq: { ...none, command: true, script: true },
  archive: { ...none, command: true },
  mail: none,
  hitl: none,
  chat: { ...none, llm: true },
  dag: subDagCaps,
  subworkflow: subDagCaps,
  parallel: subDagCaps,
  gha: ghaCaps,
  github_action: ghaCaps,
  "github-action": ghaCaps,
  // Dagu v2 (2.6.5) step types: template renders `script`; router takes only value/routes.
  template: { ...none, script: true },
  router: none,
};

export function isKnownExecutorType(type: string): boolean {
  return Object.hasOwn(executorCapabilities, type);
}

export function capabilitiesOf(type: string): ExecutorCapabilities {
  return executorCapabilities[type] ?? none;
}
