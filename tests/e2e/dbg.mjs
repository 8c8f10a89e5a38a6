import { launchApp, closeApp, byTestId } from "./lib/app.mjs";
const t0 = Date.now();
const d = await launchApp(process.argv[2]);
console.log("session", Date.now() - t0);
await new Promise(r => setTimeout(r, 2000));
console.log(await d.executeScript("return document.body.innerHTML.slice(0, 600)"));
await closeApp(d);
console.log("closed", Date.now() - t0);
process.exit(0);
