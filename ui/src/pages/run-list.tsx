/**
 * @module ui/pages/run-list
 * PLACEHOLDER while the page is being written.
 */
import type { JSX } from "solid-js";
import { PageHeader } from "../components/common.tsx";

export default function Page(): JSX.Element {
  return <PageHeader title="run-list" />;
}
