/**
 * @module ui/pages/not-found
 * Any path the router does not know.
 */
import { A } from "@solidjs/router";
import type { JSX } from "solid-js";
import { Empty, PageHeader } from "../components/common.tsx";

export default function NotFound(): JSX.Element {
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty>
        Nothing lives here. <A href="/dags">Go to the DAG list</A>.
      </Empty>
    </>
  );
}
