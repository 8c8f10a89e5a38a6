import { describe, expect, it } from "vitest";
import { checkInterval, checkListen, checkLogin, checkPassword, checkServerUrl, checkTargetName, checkTargetUrl } from "./validate";

describe("settings checks", () => {
  it("server address: empty (stop syncing) or http/https", () => {
    expect(checkServerUrl("")).toBeNull();
    expect(checkServerUrl("https://thuvien.hanoi.gov.vn:8787")).toBeNull();
    expect(checkServerUrl("thuvien.hanoi.gov.vn")).toBe("url");
    expect(checkTargetUrl("")).toBe("url");
    expect(checkTargetUrl("http://127.0.0.1:9999/Default")).toBeNull();
  });

  it("minutes: whole numbers 0 to 1440", () => {
    expect(checkInterval("0")).toBeNull();
    expect(checkInterval(" 1440 ")).toBeNull();
    expect(checkInterval("1441")).toBe("interval");
    expect(checkInterval("2.5")).toBe("interval");
    expect(checkInterval("")).toBe("interval");
  });

  it("listen address: host or [IPv6] and a port in range", () => {
    expect(checkListen("127.0.0.1:6001")).toBeNull();
    expect(checkListen("[::1]:6001")).toBeNull();
    expect(checkListen("kiosk-host.local:6001")).toBeNull();
    expect(checkListen("127.0.0.1")).toBe("listen");
    expect(checkListen("127.0.0.1:0")).toBe("port");
    expect(checkListen("127.0.0.1:65536")).toBe("port");
  });

  it("logins, passwords and target names", () => {
    expect(checkLogin("kiosk-1", [])).toBeNull();
    expect(checkLogin(" ", [])).toBe("loginEmpty");
    expect(checkLogin("a|b", [])).toBe("loginChars");
    expect(checkLogin("x".repeat(65), [])).toBe("loginLong");
    expect(checkLogin("kiosk-1", ["kiosk-1"])).toBe("loginTaken");
    expect(checkPassword("", "")).toEqual({ password: "passwordEmpty", again: null });
    expect(checkPassword("a|b", "a|b")).toEqual({ password: "passwordChars", again: null });
    expect(checkPassword("mật khẩu", "mật khẩu")).toEqual({ password: null, again: null });
    expect(checkPassword("a", "b")).toEqual({ password: null, again: "passwordMismatch" });
    expect(checkTargetName("loc", ["nlv"])).toBeNull();
    expect(checkTargetName("nlv", ["nlv"])).toBe("nameTaken");
    expect(checkTargetName("a b", [])).toBe("nameSpaces");
    expect(checkTargetName("", [])).toBe("nameEmpty");
  });
});
