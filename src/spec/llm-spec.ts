/**
 * @module spec/llm-spec
 * The `llm:` block (DAG default or per `type: chat` step) with Dagu's range checks.
 */
import type { LlmConfig } from "../core/dag.ts";
import type { IssueList } from "./node-reader.ts";
import { MapReader } from "./node-reader.ts";
import type { YMap } from "./yaml-nodes.ts";

const providers = new Set(["openai", "anthropic", "gemini", "openrouter", "local", "ollama", "vllm", "llama"]);
const efforts = new Set(["low", "medium", "high", "xhigh"]);

export function parseLlm(node: YMap, path: string, issues: IssueList, level: "dag" | "step"): LlmConfig {
  const r = new MapReader(node, path, issues, [
    "provider", "model", "system", "temperature", "maxTokens", "topP", "baseURL", "apiKeyName", "stream", "thinking",
  ]);
  const provider = r.string("provider") ?? "";
  const model = r.string("model") ?? "";
  if (provider !== "" && !providers.has(provider)) {
    r.error("provider", `invalid provider "${provider}": must be one of openai, anthropic, gemini, openrouter, local (or aliases: ollama, vllm, llama)`);
  }
  if (level === "step" && model === "") r.error("model", "model must be specified when llm config is provided");
  const temperature = r.float("temperature");
  if (temperature !== undefined && (temperature < 0 || temperature > 2)) r.error("temperature", "temperature must be between 0.0 and 2.0");
  const topP = r.float("topP");
  if (topP !== undefined && (topP < 0 || topP > 1)) r.error("topP", "topP must be between 0.0 and 1.0");
  const maxTokens = r.int("maxTokens");
  if (maxTokens !== undefined && maxTokens < 1) r.error("maxTokens", "maxTokens must be at least 1");
  const system = r.string("system");
  const baseURL = r.string("baseURL");
  const apiKeyName = r.string("apiKeyName");
  const stream = r.bool("stream");
  const thinkingNode = r.map("thinking");
  let thinking: LlmConfig["thinking"];
  if (thinkingNode) {
    const t = new MapReader(thinkingNode, r.at("thinking"), issues, ["enabled", "effort", "budgetTokens", "includeInOutput"]);
    const effort = t.string("effort") ?? "";
    if (effort !== "" && !efforts.has(effort)) t.error("effort", `invalid thinking effort "${effort}": must be one of: low, medium, high, xhigh`);
    const budgetTokens = t.int("budgetTokens");
    thinking = {
      enabled: t.bool("enabled") ?? false,
      effort,
      ...(budgetTokens !== undefined ? { budgetTokens } : {}),
      includeInOutput: t.bool("includeInOutput") ?? false,
    };
  }
  return {
    provider,
    model,
    ...(system !== undefined ? { system } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(baseURL !== undefined ? { baseURL } : {}),
    ...(apiKeyName !== undefined ? { apiKeyName } : {}),
    ...(stream !== undefined ? { stream } : {}),
    ...(thinking ? { thinking } : {}),
  };
}
