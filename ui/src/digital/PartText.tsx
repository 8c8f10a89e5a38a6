import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { accessDecisionOf, toErrorPayload, type CatalogApi } from "../api";
import type { AccessDecision } from "../bindings/AccessDecision";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import type { TextPart } from "../bindings/TextPart";
import { RefusedPanel } from "./RefusedPanel";

type PartLoad =
  | { state: "loading" }
  | { state: "ready"; part: TextPart }
  | { state: "refused"; decision: AccessDecision }
  | { state: "failed"; message: string };

/** One part's text (a page, a chapter) as the core gives it for `reader`, reloaded when the part changes. */
export function usePartText(api: CatalogApi, objectId: string, part: number, reader: ReaderRequest, enabled = true): PartLoad {
  const [load, setLoad] = useState<PartLoad>({ state: "loading" });
  const readerKey = JSON.stringify(reader);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    setLoad({ state: "loading" });
    api.digitalText(objectId, part, JSON.parse(readerKey) as ReaderRequest).then(
      (text) => {
        if (!cancelled) setLoad({ state: "ready", part: text });
      },
      (err: unknown) => {
        if (cancelled) return;
        const payload = toErrorPayload(err);
        const decision = accessDecisionOf(payload);
        setLoad(decision ? { state: "refused", decision } : { state: "failed", message: payload.message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, objectId, part, readerKey, enabled]);
  return load;
}

/** Text split into paragraphs at blank lines (or at single line breaks when there are none). */
export function paragraphs(text: string): string[] {
  const normalized = text.replace(/\r\n?/g, "\n").trim();
  if (!normalized) return [];
  const blocks = normalized.split(/\n\s*\n/);
  const chosen = blocks.length > 1 ? blocks : normalized.split("\n");
  return chosen.map((p) => p.replace(/\s*\n\s*/g, " ").trim()).filter((p) => p.length > 0);
}

/** The paragraphs of a loaded part, or what stands in their place while loading or after a failure. */
export function PartBody({ load, testId }: { load: PartLoad; testId: string }) {
  const { t } = useTranslation();
  if (load.state === "loading") {
    return (
      <p className="digital-muted" role="status" data-testid={`${testId}-loading`}>
        {t("digital.text.loading")}
      </p>
    );
  }
  if (load.state === "refused") return <RefusedPanel decision={load.decision} testId={`${testId}-refused`} />;
  if (load.state === "failed") {
    return (
      <p className="digital-inline-error" role="alert" data-testid={`${testId}-error`}>
        {t("digital.text.failed")} {load.message}
      </p>
    );
  }
  const paras = paragraphs(load.part.text);
  if (paras.length === 0) {
    return (
      <p className="digital-muted" data-testid={`${testId}-empty`}>
        {t("digital.text.empty")}
      </p>
    );
  }
  return (
    <div data-testid={testId}>
      {paras.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </div>
  );
}
