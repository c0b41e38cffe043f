/**
 * @module ui/pages/system
 * The System page: server health and version, the scheduler instances, the coordinator and
 * workers of distributed execution (absent in this build, shown as such), the UI's own version
 * and links to the machine-readable endpoints (OpenAPI document, Prometheus metrics).
 */
import { createResource, createSignal, For, type JSX, Match, onCleanup, type Resource, Show, Suspense, Switch } from "solid-js";
import { api, apiUrl, config } from "../api.ts";
import { ErrorBox, PageHeader, Spinner } from "../components/common.tsx";
import { formatDuration, formatTime, relativeTime } from "../format.ts";

/**
 * One card's data: a spinner while it first loads, the error if it failed, else the content.
 * Reads `latest` so a refresh keeps showing the old values instead of suspending the card.
 */
function Loaded<T>(props: { data: Resource<T>; children: (value: T) => JSX.Element }): JSX.Element {
  return (
    <Suspense fallback={<Spinner />}>
      <Switch>
        <Match when={props.data.error}>
          <ErrorBox error={props.data.error} />
        </Match>
        <Match when={props.data.latest}>{(v) => props.children(v())}</Match>
      </Switch>
    </Suspense>
  );
}

function Field(props: { label: string; children: JSX.Element; testid?: string }): JSX.Element {
  return (
    <div class="sys-field">
      <dt class="muted">{props.label}</dt>
      <dd data-testid={props.testid}>{props.children}</dd>
    </div>
  );
}

function State(props: { ok: boolean; children: JSX.Element; testid?: string }): JSX.Element {
  return (
    <span class="sys-state" classList={{ "sys-ok": props.ok, "sys-off": !props.ok }} data-testid={props.testid}>
      <span class="sys-state-dot" aria-hidden="true" />
      {props.children}
    </span>
  );
}

export default function SystemPage(): JSX.Element {
  const [health, healthCtl] = createResource(async () => ({ ...(await api.getHealthStatus()), fetchedAt: Date.now() }));
  const [scheduler, schedulerCtl] = createResource(() => api.getSchedulerStatus());
  const [coordinator, coordinatorCtl] = createResource(() => api.getCoordinatorStatus());
  const [workers, workersCtl] = createResource(() => api.getWorkers());

  // Uptime counts on between fetches rather than standing still.
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(tick));

  const refresh = (): void => {
    void healthCtl.refetch();
    void schedulerCtl.refetch();
    void coordinatorCtl.refetch();
    void workersCtl.refetch();
  };

  return (
    <div class="system-page">
      <PageHeader title="System" sub="Services of this Dagu instance">
        <button data-testid="system-refresh" onClick={refresh}>
          Refresh
        </button>
      </PageHeader>

      <div class="grid grid-2">
        <section class="card" data-testid="sys-server">
          <h2>Server</h2>
          <Loaded data={health}>
            {(h) => (
              <dl class="sys-fields">
                <Field label="Health" testid="health-status">
                  <State ok={h.status === "healthy"}>{h.status === "healthy" ? "Healthy" : "Unhealthy"}</State>
                </Field>
                <Field label="Version" testid="server-version">
                  <span class="mono">{h.version}</span>
                </Field>
                <Field label="Uptime" testid="server-uptime">
                  {formatDuration(h.uptime * 1000 + Math.max(0, now() - h.fetchedAt))}
                </Field>
                <Field label="Server time">{formatTime(h.timestamp)}</Field>
              </dl>
            )}
          </Loaded>
        </section>

        <section class="card" data-testid="sys-scheduler">
          <h2>Scheduler</h2>
          <Loaded data={scheduler}>
            {(s) => (
              <>
                <dl class="sys-fields">
                  <Field label="State" testid="scheduler-state">
                    <State ok={s.schedulers.length > 0}>{s.schedulers.length > 0 ? "Running" : "Not running"}</State>
                  </Field>
                </dl>
                <Show
                  when={s.schedulers.length > 0}
                  fallback={
                    <p class="muted sys-note">
                      No scheduler is running: scheduled DAGs and queued runs will not start. Run <code>dagu scheduler</code> or{" "}
                      <code>dagu start-all</code>.
                    </p>
                  }
                >
                  <ul class="sys-instances">
                    <For each={s.schedulers}>
                      {(i) => (
                        <li data-testid="scheduler-instance">
                          <span class="mono">{i.instanceId}</span>
                          <span class="tag">{i.status}</span>
                          <span class="muted small">
                            on {i.host}, since {formatTime(i.startedAt)} ({relativeTime(i.startedAt, now())})
                          </span>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </>
            )}
          </Loaded>
        </section>

        <section class="card" data-testid="sys-coordinator">
          <h2>Coordinator</h2>
          <Loaded data={coordinator}>
            {(c) => (
              <Show
                when={c.coordinators.length > 0}
                fallback={
                  <>
                    <dl class="sys-fields">
                      <Field label="State" testid="coordinator-state">
                        <State ok={false}>Not running</State>
                      </Field>
                    </dl>
                    <p class="muted sys-note">Distributed execution is not enabled; every run executes on this machine.</p>
                  </>
                }
              >
                <ul class="sys-instances">
                  <For each={c.coordinators}>
                    {(i) => (
                      <li>
                        <span class="mono">{i.instanceId}</span>
                        <span class="tag">{i.status}</span>
                        <span class="muted small">
                          {i.host}:{i.port}, since {formatTime(i.startedAt)}
                        </span>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            )}
          </Loaded>
        </section>

        <section class="card" data-testid="sys-workers">
          <h2>Workers</h2>
          <Loaded data={workers}>
            {(w) => (
              <>
                <Show when={w.errors.length > 0}>
                  <ErrorBox error={w.errors.join("\n")} />
                </Show>
                <Show
                  when={w.workers.length > 0}
                  fallback={
                    <p class="muted sys-note" data-testid="workers-empty">
                      No workers connected. Runs are executed by this instance.
                    </p>
                  }
                >
                  <ul class="sys-instances">
                    <For each={w.workers}>
                      {(x) => (
                        <li>
                          <span class="mono">{String(x["id"] ?? x["workerId"] ?? "worker")}</span>
                          <Show when={typeof x["healthStatus"] === "string"}>
                            <span class="tag">{String(x["healthStatus"])}</span>
                          </Show>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </>
            )}
          </Loaded>
        </section>

        <section class="card" data-testid="sys-ui">
          <h2>Web UI</h2>
          <dl class="sys-fields">
            <Field label="UI version" testid="ui-version">
              <span class="mono">{config.version}</span>
            </Field>
            <Field label="Base path">
              <span class="mono">{config.basePath || "/"}</span>
            </Field>
            <Field label="API">
              <span class="mono">{config.apiBase}</span>
            </Field>
          </dl>
          <Show when={health.state === "ready" && health().version !== config.version}>
            <p class="sys-warn" data-testid="version-mismatch">
              The page was loaded from a different version than the server runs now: reload to update it.
            </p>
          </Show>
        </section>

        <section class="card" data-testid="sys-links">
          <h2>Endpoints</h2>
          <ul class="sys-links">
            <li>
              <a href={apiUrl("/openapi.json")} target="_blank" rel="noopener" data-testid="openapi-link">
                OpenAPI document
              </a>
              <span class="muted small">REST API v2 description (JSON)</span>
            </li>
            <li>
              <a href={apiUrl("/metrics")} target="_blank" rel="noopener" data-testid="metrics-link">
                Prometheus metrics
              </a>
              <span class="muted small">Prometheus text exposition format</span>
            </li>
            <li>
              <a href={apiUrl("/health")} target="_blank" rel="noopener">
                Health check
              </a>
              <span class="muted small">JSON, for load balancers and probes</span>
            </li>
          </ul>
        </section>
      </div>
    </div>
  );
}
