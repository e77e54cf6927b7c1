// The quickstart mesh written in TypeScript: a webhook source pushes events to the intake,
// a SIEM-like sink pulls them from the intake's queue. Products (and their hooks) are the
// quickstart's; the typed classes come from `meshroom get` (.gen/), so a wrong setting name
// or type is a compile error. `meshroom synth`, `npx cdktf synth`, `meshroom plan` all run this.
import { App } from "cdktf";
import { MeshStack, Plug } from "meshroom/constructs";
import { loadMeshProject } from "meshroom/stacks";
import { IntakeInstance } from "./.gen/providers/meshroom/intake-instance/index.js";
import { SinkInstance } from "./.gen/providers/meshroom/sink-instance/index.js";
import { WebhookSourceInstance } from "./.gen/providers/meshroom/webhook-source-instance/index.js";

const app = new App();
const mesh = new MeshStack(app, "soc", { project: await loadMeshProject(import.meta.dirname) });

const intake = new IntakeInstance(mesh, "intake", { port: 0, maxBody: 1048576, queue: "" });
const siem = new SinkInstance(mesh, "siem", {});
const webhook = new WebhookSourceInstance(mesh, "webhook", {});

new Plug(mesh, "webhook-to-intake", { topic: "events", src: webhook, dst: intake, mode: "push" });
new Plug(mesh, "intake-to-siem", { topic: "events", src: intake, dst: siem, mode: "pull" });

app.synth();
