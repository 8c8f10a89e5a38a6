import { act, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { ACCOUNT, CARD, fakeKioskApi, HELD_BOOK, PIN, refused, refusal, STAFF_PASSWORD } from "./fixtures";
import { formatDay, IDLE_MS, RECEIPT_SECONDS, STILL_THERE_SECONDS } from "./kiosk";
import { KioskLauncher, KioskMode } from "./KioskMode";

type Api = ReturnType<typeof fakeKioskApi>;

function start(lang: Language = "vi", api: Api = fakeKioskApi()) {
  const onExit = vi.fn();
  const r = renderIn(lang, <KioskMode api={api} branch="TT" onExit={onExit} />);
  return { ...r, api, onExit };
}

/** Types into a field and presses its form's submit button, as a scanner's digits + Enter do. */
function enter(testId: string, text: string) {
  const input = screen.getByTestId(testId) as HTMLInputElement;
  fireEvent.change(input, { target: { value: text } });
  fireEvent.submit(input.closest("form")!);
}

function keypad(digits: string) {
  for (const d of digits) fireEvent.click(screen.getByTestId(`kiosk-key-${d}`));
}

const pinInput = () => screen.getByTestId("kiosk-pin-input") as HTMLInputElement;

async function signIn(pin = PIN) {
  fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
  enter("kiosk-card-input", CARD);
  keypad(pin);
  await act(async () => {
    fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
  });
}

async function flush() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("KioskLauncher", () => {
  it("asks for a staff password twice when none is set, saves it, explains, and starts", async () => {
    const api = fakeKioskApi({ passwordSet: false });
    const onStart = vi.fn();
    const onCancel = vi.fn();
    renderIn("vi", <KioskLauncher api={api} onStart={onStart} onCancel={onCancel} />);
    const pw = await screen.findByTestId("kiosk-launcher-password");
    expect(document.activeElement).toBe(pw);

    fireEvent.change(pw, { target: { value: "abc" } });
    fireEvent.change(screen.getByTestId("kiosk-launcher-repeat"), { target: { value: "abc" } });
    fireEvent.click(screen.getByTestId("kiosk-launcher-save"));
    expect(screen.getByTestId("kiosk-launcher-problem").textContent).toBe("Mật khẩu cần ít nhất 6 ký tự.");

    fireEvent.change(pw, { target: { value: STAFF_PASSWORD } });
    fireEvent.change(screen.getByTestId("kiosk-launcher-repeat"), { target: { value: "thuthu2024" } });
    fireEvent.click(screen.getByTestId("kiosk-launcher-save"));
    expect(screen.getByTestId("kiosk-launcher-problem").textContent).toBe("Hai mật khẩu không giống nhau.");
    expect(api.setKioskPassword).not.toHaveBeenCalled();

    fireEvent.change(screen.getByTestId("kiosk-launcher-repeat"), { target: { value: STAFF_PASSWORD } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-launcher-save"));
    });
    expect(api.setKioskPassword).toHaveBeenCalledWith(null, STAFF_PASSWORD);
    expect(screen.getByTestId("kiosk-launcher").textContent).toContain("bấm “Thủ thư” ở góc trên");
    const startButton = screen.getByTestId("kiosk-launcher-start");
    expect(document.activeElement).toBe(startButton);
    fireEvent.click(startButton);
    expect(onStart).toHaveBeenCalledTimes(1);
    expect(onCancel).not.toHaveBeenCalled();
  });

  it("goes straight to the explanation when a password is set; Cancel and Esc cancel", async () => {
    const api = fakeKioskApi({ passwordSet: true });
    const onStart = vi.fn();
    const onCancel = vi.fn();
    renderIn("en", <KioskLauncher api={api} onStart={onStart} onCancel={onCancel} />);
    await screen.findByTestId("kiosk-launcher-start");
    expect(screen.queryByTestId("kiosk-launcher-password")).toBeNull();
    expect(screen.getByTestId("kiosk-launcher").textContent).toContain("press “Staff” in the top corner");
    fireEvent.click(screen.getByTestId("kiosk-launcher-cancel"));
    fireEvent.keyDown(screen.getByTestId("kiosk-launcher-start"), { key: "Escape" });
    expect(onCancel).toHaveBeenCalledTimes(2);
    expect(onStart).not.toHaveBeenCalled();
    expect(api.setKioskPassword).not.toHaveBeenCalled();
  });

  it("says so when the password cannot be saved", async () => {
    const api = fakeKioskApi({ passwordSet: false });
    api.setKioskPassword.mockRejectedValueOnce({ code: "storage", message: "disk full", details: null });
    renderIn("en", <KioskLauncher api={api} onStart={vi.fn()} onCancel={vi.fn()} />);
    fireEvent.change(await screen.findByTestId("kiosk-launcher-password"), { target: { value: "secret1" } });
    fireEvent.change(screen.getByTestId("kiosk-launcher-repeat"), { target: { value: "secret1" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-launcher-save"));
    });
    expect(screen.getByTestId("kiosk-launcher-problem").textContent).toBe("The password could not be saved: disk full");
    expect(screen.queryByTestId("kiosk-launcher-start")).toBeNull();
  });
});

describe("KioskMode borrowing", () => {
  it("signs in with card and keypad PIN, lends two books and shows a receipt", async () => {
    const { api } = start("vi");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Chào mừng bạn đến thư viện");
    fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
    expect(document.activeElement).toBe(screen.getByTestId("kiosk-card-input"));
    enter("kiosk-card-input", ` ${CARD} `);

    expect(screen.getByTestId("kiosk-pin").textContent).toContain(`Thẻ: ${CARD}`);
    expect(pinInput().type).toBe("password");
    keypad("43219");
    fireEvent.click(screen.getByTestId("kiosk-key-delete"));
    expect(pinInput().value).toBe(PIN);
    // The keypad leaves the focus in the PIN field, where keyboard digits go.
    expect(document.activeElement).toBe(pinInput());
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
    });
    expect(api.kioskSignIn).toHaveBeenCalledWith(CARD, PIN);

    expect(screen.getByTestId("kiosk-hello").textContent).toBe("Xin chào, Nguyễn Thị Lan");
    const loans = screen.getAllByTestId("kiosk-loan");
    expect(loans).toHaveLength(1);
    expect(loans[0]!.textContent).toContain("Truyện Kiều");
    expect(loans[0]!.textContent).toContain(`Hạn trả: ${formatDay("2025-03-20", "vi")}`);
    expect(loans[0]!.textContent).toContain("20 tháng 3, 2025");
    expect(document.activeElement).toBe(screen.getByTestId("kiosk-item-input"));

    enter("kiosk-item-input", "30000001");
    await flush();
    enter("kiosk-item-input", "30000003");
    await flush();
    expect(api.kioskCheckout).toHaveBeenNthCalledWith(1, CARD, PIN, "30000001", "TT");
    expect(api.kioskCheckout).toHaveBeenNthCalledWith(2, CARD, PIN, "30000003", "TT");
    const results = screen.getAllByTestId("kiosk-borrow-result");
    expect(results.map((r) => r.dataset.state)).toEqual(["borrowed", "borrowed"]);
    expect(results[0]!.textContent).toContain("Đã mượn: Nỗi buồn chiến tranh");
    expect(results[1]!.textContent).toContain("Đã mượn: Số đỏ");
    expect(results[1]!.textContent).toContain("Hạn trả: " + formatDay("2025-03-29", "vi"));
    expect(screen.getAllByTestId("kiosk-loan")).toHaveLength(3);
    expect(document.activeElement).toBe(screen.getByTestId("kiosk-item-input"));

    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-finish"));
    });
    const receipt = screen.getByTestId("kiosk-receipt");
    expect(receipt.textContent).toContain("Shelfmark");
    expect(receipt.textContent).toContain("Biên nhận mượn sách");
    expect(screen.getByTestId("kiosk-receipt-when").textContent).toMatch(/^Thời gian: .*2\d{3}/);
    const lines = screen.getAllByTestId("kiosk-receipt-line");
    expect(lines.map((l) => l.querySelector("strong")!.textContent)).toEqual(["Số đỏ", "Nỗi buồn chiến tranh"]);
    expect(lines[0]!.textContent).toContain("Hạn trả: " + formatDay("2025-03-29", "vi"));
    expect(screen.getByTestId("kiosk-receipt-total").textContent).toBe("Đã mượn 2 cuốn");

    fireEvent.click(receipt);
    expect(screen.getByTestId("kiosk-home")).toBeTruthy();
  });

  it("says plainly when a book cannot be borrowed, and goes on with the next", async () => {
    const api = fakeKioskApi();
    start("en", api);
    await signIn();
    enter("kiosk-item-input", "30000001");
    await flush();
    enter("kiosk-item-input", "30000001");
    await flush();
    enter("kiosk-item-input", "99999999");
    await flush();
    const results = screen.getAllByTestId("kiosk-borrow-result");
    expect(results.map((r) => r.dataset.state)).toEqual(["failed", "refused", "borrowed"]);
    expect(results[0]!.textContent).toContain("We cannot find a book with barcode 99999999");
    expect(results[1]!.textContent).toContain("Not borrowed: 30000001");
    expect(results[1]!.textContent).toContain("This item is already on loan.");
    expect(results[2]!.textContent).toContain("Due back: " + formatDay("2025-03-29", "en"));
  });

  it("shows the account's warnings, and Finish with nothing borrowed goes straight Home", async () => {
    const api = fakeKioskApi();
    api.kioskSignIn.mockResolvedValueOnce({
      ...ACCOUNT,
      refusals: [refusal("overdue_items", "Bạn đọc có 1 bản quá hạn.", "The reader has 1 overdue item.")],
    });
    start("vi", api);
    await signIn();
    expect(screen.getByTestId("kiosk-warnings").textContent).toContain("Bạn đọc có 1 bản quá hạn.");
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-finish"));
    });
    expect(screen.getByTestId("kiosk-home")).toBeTruthy();
    expect(screen.queryByTestId("kiosk-receipt")).toBeNull();
  });

  it("a wrong PIN shows the attempts left, clears the PIN and stays; too many locks the card", async () => {
    const { api } = start("vi");
    fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
    enter("kiosk-card-input", CARD);
    // Keyboard digits: the field takes digits only.
    fireEvent.change(pinInput(), { target: { value: "11a1" } });
    expect(pinInput().value).toBe("111");
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
    });
    expect(screen.getByTestId("kiosk-pin-problem").textContent).toBe("Mã PIN không đúng. Còn 2 lần thử.");
    expect(screen.getByTestId("kiosk-pin-problem").getAttribute("role")).toBe("alert");
    expect(pinInput().value).toBe("");
    expect(pinInput().getAttribute("aria-invalid")).toBe("true");

    // The message follows the language switch.
    fireEvent.click(screen.getByTestId("kiosk-lang-en"));
    expect(screen.getByTestId("kiosk-pin-problem").textContent).toBe("Wrong PIN. 2 attempts left.");

    for (let i = 0; i < 2; i++) {
      keypad("9999");
      await act(async () => {
        fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
      });
    }
    expect(api.kioskSignIn).toHaveBeenCalledTimes(3);
    expect(screen.getByTestId("kiosk-refused").dataset.code).toBe("pin_locked");
    expect(screen.getByTestId("kiosk-refusal").textContent).toBe(
      "Too many wrong PINs. The card is locked until 15:30; please ask at the desk.",
    );
    fireEvent.click(screen.getByTestId("kiosk-start-over"));
    expect(screen.getByTestId("kiosk-home")).toBeTruthy();
  });

  it("an unknown card goes back to the card screen with a message; an empty PIN is asked for", async () => {
    start("en");
    fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
    enter("kiosk-card-input", "");
    expect(screen.getByRole("alert").textContent).toBe("Please scan your card or type its number.");
    enter("kiosk-card-input", "123");
    fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
    expect(screen.getByTestId("kiosk-pin-problem").textContent).toBe("Please type your PIN.");
    keypad("1234");
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
    });
    expect(screen.getByTestId("kiosk-card-problem").textContent).toBe(
      "We cannot find this card. Check the number, or ask at the desk.",
    );
  });

  it("shows other sign-in refusals (expired card) large, in the UI language", async () => {
    const api = fakeKioskApi();
    api.kioskSignIn.mockRejectedValueOnce(
      refused(refusal("card_expired", "Thẻ bạn đọc đã hết hạn ngày 31/12/2024.", "The card expired on 2024-12-31.")),
    );
    start("vi", api);
    await signIn();
    expect(screen.getByTestId("kiosk-refusal").textContent).toBe("Thẻ bạn đọc đã hết hạn ngày 31/12/2024.");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Hiện chưa thể mượn sách bằng thẻ này");
  });
});

describe("KioskMode returning", () => {
  it("thanks for each book, sends a held book to the return bin, and gives a receipt", async () => {
    const { api } = start("vi");
    fireEvent.click(screen.getByTestId("kiosk-return-start"));
    expect(document.activeElement).toBe(screen.getByTestId("kiosk-return-input"));
    enter("kiosk-return-input", "30000001");
    await flush();
    enter("kiosk-return-input", HELD_BOOK);
    await flush();
    expect(api.kioskCheckin).toHaveBeenNthCalledWith(1, "30000001", "TT");
    expect(api.kioskCheckin).toHaveBeenNthCalledWith(2, HELD_BOOK, "TT");
    const [held, plain] = screen.getAllByTestId("kiosk-return-result");
    expect(plain!.textContent).toContain("Cảm ơn bạn — đã trả sách: Số đỏ");
    expect(within(plain!).queryByTestId("kiosk-bin")).toBeNull();
    expect(held!.textContent).toContain("Cảm ơn bạn — đã trả sách: Dế Mèn phiêu lưu ký");
    expect(within(held!).getByTestId("kiosk-bin").textContent).toBe("Xin để cuốn sách này vào thùng trả sách.");
    // The reader is never told whose hold it is.
    expect(held!.textContent).not.toContain("Trần Văn Minh");

    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-finish"));
    });
    expect(screen.getByTestId("kiosk-receipt").textContent).toContain("Biên nhận trả sách");
    const lines = screen.getAllByTestId("kiosk-receipt-line");
    expect(lines).toHaveLength(2);
    expect(lines[1]!.textContent).toContain("Để vào thùng trả sách");
    expect(lines[0]!.textContent).not.toContain("Để vào thùng trả sách");
    expect(screen.getByTestId("kiosk-receipt-total").textContent).toBe("Đã trả 2 cuốn");
  });

  it("the receipt goes back Home by itself after 20 seconds", async () => {
    vi.useFakeTimers();
    start("en");
    fireEvent.click(screen.getByTestId("kiosk-return-start"));
    enter("kiosk-return-input", "30000001");
    await act(async () => {});
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-finish"));
    });
    expect(screen.getByTestId("kiosk-receipt").textContent).toContain("This screen closes in 20 seconds.");
    act(() => vi.advanceTimersByTime((RECEIPT_SECONDS - 1) * 1000));
    expect(screen.getByTestId("kiosk-receipt").textContent).toContain("This screen closes in 1 second.");
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByTestId("kiosk-home")).toBeTruthy();
  });
});

describe("KioskMode staff exit", () => {
  it("a wrong password is refused; the right one calls onExit once", async () => {
    const { api, onExit } = start("vi");
    fireEvent.click(screen.getByTestId("kiosk-staff"));
    const field = screen.getByTestId("kiosk-staff-password") as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: "doan-thu" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-staff-leave"));
    });
    expect(screen.getByTestId("kiosk-staff-problem").textContent).toBe("Sai mật khẩu.");
    expect(field.value).toBe("");
    expect(onExit).not.toHaveBeenCalled();

    fireEvent.change(field, { target: { value: STAFF_PASSWORD } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-staff-leave"));
      fireEvent.submit(field.closest("form")!);
    });
    expect(api.exitKiosk).toHaveBeenNthCalledWith(2, STAFF_PASSWORD);
    expect(api.exitKiosk).toHaveBeenCalledTimes(2);
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it("Cancel closes the question; the staff button is only on Home", () => {
    start("en");
    fireEvent.click(screen.getByTestId("kiosk-staff"));
    fireEvent.click(screen.getByTestId("kiosk-staff-cancel"));
    expect(screen.queryByTestId("kiosk-staff-dialog")).toBeNull();
    fireEvent.click(screen.getByTestId("kiosk-return-start"));
    expect(screen.queryByTestId("kiosk-staff")).toBeNull();
  });
});

describe("KioskMode inactivity", () => {
  it("asks after 60 s, returns Home after 10 more and forgets the PIN", () => {
    vi.useFakeTimers();
    const { api } = start("vi");
    fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
    enter("kiosk-card-input", CARD);
    keypad("43");
    expect(pinInput().value).toBe("43");

    act(() => vi.advanceTimersByTime(IDLE_MS - 1));
    expect(screen.queryByTestId("kiosk-still-there")).toBeNull();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.getByTestId("kiosk-still-there").textContent).toContain("Bạn còn đang dùng máy không?");
    expect(screen.getByTestId("kiosk-countdown").textContent).toBe("Sẽ quay về màn hình đầu sau 10 giây.");
    act(() => vi.advanceTimersByTime(3000));
    expect(screen.getByTestId("kiosk-countdown").textContent).toBe("Sẽ quay về màn hình đầu sau 7 giây.");
    act(() => vi.advanceTimersByTime((STILL_THERE_SECONDS - 3) * 1000));

    expect(screen.getByTestId("kiosk-home")).toBeTruthy();
    expect(screen.queryByTestId("kiosk-still-there")).toBeNull();
    fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
    expect((screen.getByTestId("kiosk-card-input") as HTMLInputElement).value).toBe("");
    enter("kiosk-card-input", CARD);
    expect(pinInput().value).toBe("");
    expect(api.kioskSignIn).not.toHaveBeenCalled();
  });

  it("any touch re-arms the timer, and 'I am still here' keeps the session", () => {
    vi.useFakeTimers();
    start("en");
    fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
    enter("kiosk-card-input", CARD);
    keypad("12");
    act(() => vi.advanceTimersByTime(IDLE_MS - 1000));
    keypad("3");
    act(() => vi.advanceTimersByTime(IDLE_MS - 1000));
    expect(screen.queryByTestId("kiosk-still-there")).toBeNull();
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByTestId("kiosk-still-there")).toBeTruthy();
    fireEvent.click(screen.getByTestId("kiosk-stay"));
    expect(screen.queryByTestId("kiosk-still-there")).toBeNull();
    act(() => vi.advanceTimersByTime(STILL_THERE_SECONDS * 1000));
    expect(pinInput().value).toBe("123");
  });

  it("a signed-in session that times out forgets the reader and their PIN", async () => {
    vi.useFakeTimers();
    const { api } = start("en");
    await signIn();
    expect(screen.getByTestId("kiosk-hello").textContent).toBe("Hello, Nguyễn Thị Lan");
    act(() => vi.advanceTimersByTime(IDLE_MS));
    act(() => vi.advanceTimersByTime(STILL_THERE_SECONDS * 1000));
    expect(screen.getByTestId("kiosk-home")).toBeTruthy();
    expect(screen.queryByText(/Nguyễn Thị Lan/)).toBeNull();
    fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
    expect(screen.getByTestId("kiosk-card")).toBeTruthy();
    expect(api.kioskCheckout).not.toHaveBeenCalled();
  });

  it("Home itself never times out", () => {
    vi.useFakeTimers();
    start("vi");
    act(() => vi.advanceTimersByTime(IDLE_MS * 3));
    expect(screen.queryByTestId("kiosk-still-there")).toBeNull();
    expect(screen.getByTestId("kiosk-home")).toBeTruthy();
  });
});

describe("KioskMode language and keyboard", () => {
  it("switches language on Home, naming the other language's words too", () => {
    const { i18n } = start("vi");
    const borrow = screen.getByTestId("kiosk-borrow-start");
    expect(borrow.textContent).toBe("Mượn sáchBorrow books");
    expect(borrow.querySelector("[lang=en]")!.textContent).toBe("Borrow books");
    expect(screen.getByTestId("kiosk-lang-vi").getAttribute("aria-pressed")).toBe("true");

    fireEvent.click(screen.getByTestId("kiosk-lang-en"));
    expect(i18n.language).toBe("en");
    expect(document.documentElement.lang).toBe("en");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Welcome to the library");
    expect(screen.getByTestId("kiosk-return-start").textContent).toBe("Return booksTrả sách");
    expect(screen.getByTestId("kiosk-staff").textContent).toBe("Staff");
    expect(screen.getByTestId("kiosk-lang-en").getAttribute("aria-pressed")).toBe("true");

    fireEvent.click(screen.getByTestId("kiosk-lang-vi"));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Chào mừng bạn đến thư viện");
  });

  it("each session ends in Vietnamese again; leaving gives staff their own language back", async () => {
    const { i18n, onExit } = start("en");
    fireEvent.click(screen.getByTestId("kiosk-return-start"));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Scan the books you are returning");
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-finish"));
    });
    expect(i18n.language).toBe("vi");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Chào mừng bạn đến thư viện");

    fireEvent.click(screen.getByTestId("kiosk-staff"));
    fireEvent.change(screen.getByTestId("kiosk-staff-password"), { target: { value: STAFF_PASSWORD } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("kiosk-staff-leave"));
    });
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(i18n.language).toBe("en");
  });

  it("swallows browser shortcuts and the context menu", () => {
    start("vi");
    const home = screen.getByTestId("kiosk-borrow-start");
    for (const init of [
      { key: "p", ctrlKey: true },
      { key: "n", ctrlKey: true },
      { key: "i", ctrlKey: true },
      { key: "r", metaKey: true },
      { key: "ArrowLeft", altKey: true },
      { key: "F5" },
      { key: "F12" },
    ]) {
      expect(fireEvent.keyDown(home, init), JSON.stringify(init)).toBe(false);
    }
    expect(fireEvent.contextMenu(home)).toBe(false);
    expect(fireEvent.keyDown(home, { key: "Tab" })).toBe(true);
  });

  it("a scanner's keystrokes outside the field are sent back into it", () => {
    start("en");
    fireEvent.click(screen.getByTestId("kiosk-return-start"));
    const input = screen.getByTestId("kiosk-return-input");
    const langButton = screen.getByTestId("kiosk-lang-vi");
    langButton.focus();
    fireEvent.keyDown(langButton, { key: "3" });
    expect(document.activeElement).toBe(input);
    // Space on a focused button still presses the button.
    langButton.focus();
    fireEvent.keyDown(langButton, { key: " " });
    expect(document.activeElement).toBe(langButton);
  });
});

describe("KioskMode accessibility", () => {
  for (const lang of ["vi", "en"] as const) {
    it(`has no axe violations on any screen (${lang})`, async () => {
      const api = fakeKioskApi();
      api.kioskSignIn.mockImplementation(async (card: string, pin: string) => {
        if (pin !== PIN) throw refused(refusal("wrong_pin", "Mã PIN không đúng. Còn 2 lần thử.", "Wrong PIN. 2 attempts left."));
        return { ...ACCOUNT, barcode: card, refusals: [refusal("overdue_items", "Có sách quá hạn.", "Overdue items.")] };
      });
      const { container } = start(lang, api);
      await expectNoAxeViolations(container);

      fireEvent.click(screen.getByTestId("kiosk-staff"));
      fireEvent.change(screen.getByTestId("kiosk-staff-password"), { target: { value: "x" } });
      await act(async () => {
        fireEvent.click(screen.getByTestId("kiosk-staff-leave"));
      });
      await expectNoAxeViolations(container);
      fireEvent.click(screen.getByTestId("kiosk-staff-cancel"));

      fireEvent.click(screen.getByTestId("kiosk-borrow-start"));
      enter("kiosk-card-input", "");
      await expectNoAxeViolations(container);
      enter("kiosk-card-input", CARD);
      keypad("1");
      await act(async () => {
        fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
      });
      expect(screen.getByTestId("kiosk-pin-problem")).toBeTruthy();
      await expectNoAxeViolations(container);
      keypad(PIN);
      await act(async () => {
        fireEvent.click(screen.getByTestId("kiosk-pin-ok"));
      });
      enter("kiosk-item-input", "30000001");
      await flush();
      enter("kiosk-item-input", "30000001");
      await flush();
      await expectNoAxeViolations(container);
      await act(async () => {
        fireEvent.click(screen.getByTestId("kiosk-finish"));
      });
      await expectNoAxeViolations(container);
      fireEvent.click(screen.getByTestId("kiosk-receipt-done"));

      fireEvent.click(screen.getByTestId("kiosk-return-start"));
      enter("kiosk-return-input", HELD_BOOK);
      await flush();
      enter("kiosk-return-input", "99999999");
      await flush();
      await expectNoAxeViolations(container);
      await act(async () => {
        fireEvent.click(screen.getByTestId("kiosk-finish"));
      });
      await expectNoAxeViolations(container);
    });

    it(`has no axe violations on the refusal, the idle question and the launcher (${lang})`, async () => {
      const api = fakeKioskApi();
      api.kioskSignIn.mockRejectedValue(refused(refusal("patron_blocked", "Thẻ đang bị khoá.", "The card is blocked.")));
      vi.useFakeTimers();
      const { container } = start(lang, api);
      await signIn();
      expect(screen.getByTestId("kiosk-refused")).toBeTruthy();
      vi.useRealTimers();
      await expectNoAxeViolations(container);

      vi.useFakeTimers();
      fireEvent.click(screen.getByTestId("kiosk-refusal"));
      act(() => vi.advanceTimersByTime(IDLE_MS));
      expect(screen.getByTestId("kiosk-still-there")).toBeTruthy();
      vi.useRealTimers();
      await expectNoAxeViolations(container);

      const launcher = renderIn(lang, <KioskLauncher api={fakeKioskApi({ passwordSet: false })} onStart={vi.fn()} onCancel={vi.fn()} />);
      await screen.findByTestId("kiosk-launcher-password");
      await expectNoAxeViolations(launcher.container);
      const ready = renderIn(lang, <KioskLauncher api={fakeKioskApi()} onStart={vi.fn()} onCancel={vi.fn()} />);
      await within(ready.container).findByTestId("kiosk-launcher-start");
      await expectNoAxeViolations(ready.container);
    });
  }
});
