import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { TauriCatalogApi, type CatalogApi } from "./api";
import { App } from "./App";
import "./styles.css";

async function pickApi(): Promise<CatalogApi> {
  // In a plain browser during `npm run dev` there is no Tauri back end:
  // show a synthetic catalog of 1,000,000 records instead. Dropped from production builds.
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { memoryApi } = await import("./memoryApi");
    return memoryApi(1_000_000);
  }
  return new TauriCatalogApi();
}

void pickApi().then((api) => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App api={api} />
    </StrictMode>,
  );
});
