/**
 * @module ui/components/spec-editor
 * The DAG page's YAML editor: a plain textarea (no editor library) with a line-number gutter
 * and error-line marks kept in step with its scroll, Tab/Shift+Tab indenting by two spaces,
 * Enter keeping the indentation. It validates as you type (debounced, through
 * /dags/validate) and lists the problems under the editor; clicking one moves the caret to
 * its line. Save (or Ctrl/Cmd+S) writes the spec, only when it changed and has no problems.
 */
import { createMemo, createResource, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import { api } from "../api.ts";
import { ErrorBox, errorMessage, Spinner, toast } from "./common.tsx";

const lineHeight = 20;
const padTop = 8;
const indent = "  ";

export interface SpecProblem {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** `"12:5: steps[0].command: message"` → line 12, column 5; the position is optional. */
export function parseProblem(s: string): SpecProblem {
  const m = /^(\d+):(\d+): ([\s\S]*)$/.exec(s);
  return m ? { line: Number(m[1]), col: Number(m[2]), message: m[3] as string } : { line: 0, col: 0, message: s };
}

/** Replace the textarea's selection through the editing command, so Ctrl+Z can undo it. */
function insertText(ta: HTMLTextAreaElement, text: string): void {
  if (!document.execCommand("insertText", false, text)) {
    ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, "end");
    ta.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

/** Indent (or dedent) every line the selection touches; the caret or selection moves with the text. */
function shiftLines(ta: HTMLTextAreaElement, dedent: boolean): void {
  const v = ta.value;
  const selStart = ta.selectionStart;
  const selEnd = ta.selectionEnd;
  const start = v.lastIndexOf("\n", selStart - 1) + 1;
  let end = selEnd;
  if (end > start && v[end - 1] === "\n") end--;
  const nl = v.indexOf("\n", end);
  const stop = nl === -1 ? v.length : nl;
  const lines = v.slice(start, stop).split("\n");
  const shifted = lines.map((l) => (dedent ? l.replace(/^ {1,2}/, "") : indent + l));
  const changed = shifted.join("\n");
  if (changed === v.slice(start, stop)) return;
  const firstDelta = (shifted[0] as string).length - (lines[0] as string).length;
  const totalDelta = changed.length - (stop - start);
  ta.setSelectionRange(start, stop);
  insertText(ta, changed);
  const newStart = Math.max(start, selStart + firstDelta);
  ta.setSelectionRange(newStart, selStart === selEnd ? newStart : Math.max(newStart, selEnd + totalDelta));
}

export function SpecEditor(props: { fileName: string; onSaved?: () => void }): JSX.Element {
  let ta: HTMLTextAreaElement | undefined;
  const [text, setText] = createSignal("");
  const [saved, setSaved] = createSignal<string>();
  const [problems, setProblems] = createSignal<string[]>([]);
  const [validating, setValidating] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<unknown>();
  const [scroll, setScroll] = createSignal(0);

  const [loaded] = createResource(
    () => props.fileName,
    async (fileName) => {
      const r = await api.getDAGSpec(fileName);
      setText(r.spec);
      setSaved(r.spec);
      setProblems(r.errors);
      if (ta) ta.value = r.spec;
      return r;
    },
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  onCleanup(() => clearTimeout(timer));

  /** Validate the current text; a newer call makes an older answer stale (ignored). */
  const validate = async (): Promise<string[] | undefined> => {
    clearTimeout(timer);
    const mine = ++seq;
    setValidating(true);
    try {
      const r = await api.validateDAGSpec({ spec: text(), name: props.fileName });
      if (mine !== seq) return undefined;
      setProblems(r.errors);
      return r.errors;
    } catch (e) {
      if (mine === seq) setProblems([`validation failed: ${errorMessage(e)}`]);
      return undefined;
    } finally {
      if (mine === seq) setValidating(false);
    }
  };

  const onInput = (): void => {
    if (!ta) return;
    setText(ta.value);
    setSaveError(undefined);
    clearTimeout(timer);
    setValidating(true);
    timer = setTimeout(() => void validate(), 300);
  };

  const dirty = (): boolean => saved() !== undefined && text() !== saved();
  const canSave = (): boolean => dirty() && !saving() && !validating() && problems().length === 0;

  const save = async (): Promise<void> => {
    if (!dirty() || saving()) return;
    const errs = await validate();
    if (!errs || errs.length > 0) return;
    setSaving(true);
    setSaveError(undefined);
    const spec = text();
    try {
      const r = await api.updateDAGSpec(props.fileName, { spec });
      setSaved(spec);
      setProblems(r.errors);
      toast(r.errors.length > 0 ? `Saved with ${r.errors.length} problem(s)` : "Saved");
      props.onSaved?.();
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const revert = (): void => {
    const s = saved();
    if (s === undefined || !ta) return;
    ta.value = s;
    onInput();
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (!ta) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      void save();
    } else if (e.key === "Tab" && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      const multiLine = ta.value.slice(ta.selectionStart, ta.selectionEnd).includes("\n");
      if (e.shiftKey || multiLine) shiftLines(ta, e.shiftKey);
      else insertText(ta, indent);
    } else if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && !e.isComposing) {
      // Keep the line's indentation; one level deeper after `key:`.
      const v = ta.value;
      const lineStart = v.lastIndexOf("\n", ta.selectionStart - 1) + 1;
      const line = v.slice(lineStart, ta.selectionStart);
      const lead = /^[ \t]*(- )?/.exec(line)?.[0] ?? "";
      let next = lead.replace("- ", "  ");
      if (/:\s*$/.test(line)) next += indent;
      e.preventDefault();
      insertText(ta, `\n${next}`);
    }
  };

  // Ctrl/Cmd+S saves while the editor is on screen, wherever the focus is.
  const onWindowKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s" && ta?.offsetParent && e.target !== ta) {
      e.preventDefault();
      void save();
    }
  };
  const onBeforeUnload = (e: BeforeUnloadEvent): void => {
    if (dirty()) e.preventDefault();
  };
  window.addEventListener("keydown", onWindowKey);
  window.addEventListener("beforeunload", onBeforeUnload);
  onCleanup(() => {
    window.removeEventListener("keydown", onWindowKey);
    window.removeEventListener("beforeunload", onBeforeUnload);
  });

  const parsed = createMemo(() => problems().map(parseProblem));
  const errorLines = createMemo(() => new Set(parsed().map((p) => p.line).filter((l) => l > 0)));
  const lineCount = createMemo(() => text().split("\n").length);
  const lineNumbers = createMemo(() => Array.from({ length: lineCount() }, (_, i) => i + 1));

  const goTo = (p: SpecProblem): void => {
    if (!ta || p.line <= 0) return;
    const lines = ta.value.split("\n");
    let pos = 0;
    for (let i = 0; i < p.line - 1 && i < lines.length; i++) pos += (lines[i] as string).length + 1;
    pos += Math.max(0, Math.min(p.col - 1, (lines[p.line - 1] ?? "").length));
    ta.focus();
    ta.setSelectionRange(pos, pos);
    ta.scrollTop = Math.max(0, (p.line - 1) * lineHeight - ta.clientHeight / 3);
  };

  const status = (): { text: string; cls: string } => {
    if (validating()) return { text: "Validating…", cls: "muted" };
    if (problems().length > 0) return { text: `${problems().length} problem${problems().length === 1 ? "" : "s"}`, cls: "se-bad" };
    if (dirty()) return { text: "Valid · unsaved changes", cls: "se-ok" };
    return { text: "Valid · saved", cls: "se-ok" };
  };

  return (
    <div class="stack spec-editor-wrap">
      <Show when={loaded.error}>
        <ErrorBox error={loaded.error} />
      </Show>
      <Show when={loaded.loading && saved() === undefined}>
        <Spinner />
      </Show>
      <div class="toolbar se-toolbar" classList={{ "se-hidden": saved() === undefined }}>
        <span class={`se-status ${status().cls}`} data-testid="spec-status" role="status">
          {status().text}
        </span>
        <span class="spacer" />
        <span class="muted hide-narrow se-hint">Tab indents · Ctrl+S saves</span>
        <button data-testid="spec-revert" disabled={!dirty() || saving()} onClick={revert}>
          Revert
        </button>
        <button class="primary" data-testid="spec-save" disabled={!canSave()} onClick={() => void save()}>
          {saving() ? "Saving…" : "Save"}
        </button>
      </div>
      <div class="spec-editor" classList={{ "se-hidden": saved() === undefined }} data-testid="spec-editor">
        <div class="se-gutter" aria-hidden="true">
          <div style={{ transform: `translateY(${-scroll()}px)`, "padding-top": `${padTop}px` }}>
            <For each={lineNumbers()}>
              {(n) => (
                <div class="se-line-no" classList={{ "se-error": errorLines().has(n) }} data-testid="gutter-line" data-line={n}>
                  {n}
                </div>
              )}
            </For>
          </div>
        </div>
        <div class="se-main">
          <div class="se-marks" aria-hidden="true">
            <div style={{ transform: `translateY(${-scroll()}px)` }}>
              <For each={[...errorLines()]}>{(l) => <div class="se-mark" style={{ top: `${padTop + (l - 1) * lineHeight}px` }} />}</For>
            </div>
          </div>
          <textarea
            ref={ta}
            class="se-text"
            data-testid="spec-textarea"
            aria-label="DAG spec (YAML)"
            spellcheck={false}
            autocapitalize="off"
            autocomplete="off"
            wrap="off"
            onInput={onInput}
            onKeyDown={onKeyDown}
            onScroll={(e) => setScroll(e.currentTarget.scrollTop)}
          />
        </div>
      </div>
      <Show when={saveError()}>{(e) => <ErrorBox error={e()} />}</Show>
      <Show when={problems().length > 0}>
        <div class="se-problems" data-testid="spec-errors" role="alert">
          <For each={parsed()}>
            {(p) => (
              <button class="se-problem" data-testid="spec-error" data-line={p.line} onClick={() => goTo(p)} disabled={p.line <= 0}>
                <span class="se-problem-at mono">{p.line > 0 ? `Line ${p.line}:${p.col}` : "Spec"}</span>
                <span>{p.message}</span>
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
