/**
 * @module ui/main
 * Entry point: mounts the app under the server's base path. Pages are loaded lazily so the
 * first paint needs only the shell and the page the user opened.
 */
import { Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import { config } from "./api.ts";
import { Shell } from "./shell.tsx";
import { initTheme } from "./theme.ts";

initTheme();

const Dashboard = lazy(() => import("./pages/dashboard.tsx"));
const DagList = lazy(() => import("./pages/dag-list.tsx"));
const DagPage = lazy(() => import("./pages/dag-page.tsx"));
const RunList = lazy(() => import("./pages/run-list.tsx"));
const RunPage = lazy(() => import("./pages/run-page.tsx"));
const Queues = lazy(() => import("./pages/queues.tsx"));
const Search = lazy(() => import("./pages/search.tsx"));
const System = lazy(() => import("./pages/system.tsx"));
const NotFound = lazy(() => import("./pages/not-found.tsx"));
const Login = lazy(() => import("./pages/login.tsx"));

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");

render(
  () => (
    <Router base={config.basePath} root={Shell}>
      <Route path="/" component={Dashboard} />
      <Route path="/dags" component={DagList} />
      <Route path="/dags/:name/:tab?" component={DagPage} />
      <Route path="/dag-runs" component={RunList} />
      <Route path="/dag-runs/:name/:dagRunId" component={RunPage} />
      <Route path="/queues" component={Queues} />
      <Route path="/search" component={Search} />
      <Route path="/system" component={System} />
      <Route path="/login" component={Login} />
      <Route path="*" component={NotFound} />
    </Router>
  ),
  root,
);
