import type { CatalogApi } from "../api";

export interface KioskModeProps {
  api: CatalogApi;
  /** The branch the kiosk stands in (a branch code). */
  branch: string | null;
  /** Staff typed the right password: back to the staff screens. */
  onExit(): void;
}

/** The full-screen self-service mode for readers; no staff function is reachable from it. */
export function KioskMode(_props: KioskModeProps) {
  return <div data-testid="kiosk" />;
}

export interface KioskLauncherProps {
  api: CatalogApi;
  /** The staff password is set (or was just set): kiosk mode may start. */
  onStart(): void;
  onCancel(): void;
}

/** Asked before kiosk mode starts: sets the staff password that ends it, when none is set yet. */
export function KioskLauncher(_props: KioskLauncherProps) {
  return <div data-testid="kiosk-launcher" />;
}
